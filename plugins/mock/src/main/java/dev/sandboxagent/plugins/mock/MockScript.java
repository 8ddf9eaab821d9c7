package dev.sandboxagent.plugins.mock;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.FileAction;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.Question;
import dev.sandboxagent.api.event.ReasoningVisibility;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.event.Usage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The mock agent's script: the steps one message produces. Pure and
 * deterministic; each step is one batch of candidate events, recorded by the host as a unit. Items
 * carry native ids only ({@code item_id ""}) and no parent; the host assigns daemon ids and adds the
 * synthetic deltas of gap filling itself.
 */
final class MockScript {

  /** The HELP block: lines joined with {@code \n}, no trailing newline. */
  static final String HELP =
      String.join(
          "\n",
          "Mock agent commands:",
          "- demo: run a full UI coverage sequence with markers.",
          "- markdown: streaming markdown fixture.",
          "- tool: tool call + tool result with file refs.",
          "- status: status item updates.",
          "- image: message with image content part.",
          "- unknown: item.kind=unknown example.",
          "- permission: permission requests (pending).",
          "- question: question requests (pending).",
          "- error: error + agent.unparsed events.",
          "- unparsed: emit agent.unparsed only.",
          "- end: emit session.ended.",
          "",
          "Any other text will be echoed as an assistant message.");

  /** The eight MARKDOWN deltas, byte for byte. */
  static final List<String> MARKDOWN_DELTAS =
      List.of(
          "# Markdown Demo\n\n**Bo",
          "ld**, *ita",
          "lic*, ***bold-",
          "italic***, and ~~stri",
          "kethrough~~.\n\nInline code: `const x = 1`.\n\n## Lists\n- Item one\n  - Nested item\n"
              + "- Item two\n\n1.",
          " First\n2. Second\n\n> Blockquote with **bold** text.\n\n## Code\n```t",
          "s\nconst answer: number = 42;\nconsole.log(answer);\n```\n\n## Table\n"
              + "| Column A | Column B |\n|:---------|---------:|\n| Left",
          "     | Right    |\n| Alpha    | Beta     |\n\n## Link\n[Example](https://example.com)\n\n"
              + "---\n\nEnd of markdown demo.");

  /** DEMO: marker i (1-based) precedes section i. */
  private static final List<String> DEMO_MARKERS =
      List.of(
          "Next: system message (system role).",
          "Next: assistant message with deltas, reasoning, and JSON content parts.",
          "Next: status item updates.",
          "Next: markdown rendering + streaming markdown deltas.",
          "Next: tool call item.",
          "Next: image output content part.",
          "Next: unknown item kind.",
          "Next: permission requests (pending).",
          "Next: question requests (pending).",
          "Next: error and agent.unparsed events.");

  private static final List<Consumer<MockScript>> DEMO_SECTIONS =
      List.of(
          MockScript::system,
          MockScript::rich,
          MockScript::status,
          MockScript::markdown,
          MockScript::tool,
          MockScript::image,
          MockScript::unknown,
          MockScript::permissions,
          MockScript::questions,
          MockScript::error);

  /** The exact prompts, compared ASCII-case-insensitively with the stripped message, in order. */
  private static final Map<String, Consumer<MockScript>> EXACT_PROMPTS = exactPrompts();

  private static Map<String, Consumer<MockScript>> exactPrompts() {
    Map<String, Consumer<MockScript>> prompts = new LinkedHashMap<>();
    prompts.put("Reply with exactly the single word OK.", s -> s.assistant("ok", "OK"));
    prompts.put("Reply with exactly the word FIRST.", s -> s.assistant("first", "FIRST"));
    prompts.put("Reply with exactly the word SECOND.", s -> s.assistant("second", "SECOND"));
    prompts.put("Answer briefly and include your reasoning.", MockScript::rich);
    prompts.put("Provide a short status update.", MockScript::status);
    prompts.put("List files in the current directory using available tools.", MockScript::permissionOne);
    prompts.put(
        "Use the bash tool to run `ls` in the current directory. Do not answer without using the tool.",
        s -> {
          s.permissionOne();
          s.tool();
        });
    prompts.put(
        "Use the AskUserQuestion tool to ask exactly one yes/no question, then wait for a reply."
            + " Do not answer yourself.",
        MockScript::questionOne);
    prompts.put(
        "Call the AskUserQuestion tool with exactly one yes/no question and wait for a reply."
            + " Do not answer yourself.",
        MockScript::questionOne);
    return Collections.unmodifiableMap(prompts);
  }

  /** The id prefix {@code P = mock_<k>}. */
  private final String p;
  private final List<List<AgentEvent>> steps = new ArrayList<>();

  private MockScript(int k) {
    this("mock_" + k);
  }

  private MockScript(String p) {
    this.p = p;
  }

  /**
   * Returns the steps of the session's message number {@code k} (counted from 1): the user message
   * and then the selected script, or nothing when the message is only white space.
   */
  static List<List<AgentEvent>> steps(int k, String message) {
    return steps(k, message, List.of());
  }

  /**
   * As {@link #steps(int, String)}, for a message with attachments: the user message shows them,
   * and an assistant message {@code P_attachments} describes each (kind, name, media type, size and
   * SHA-256 of the content) before the selected script.
   */
  static List<List<AgentEvent>> steps(int k, String message, List<Attachment> attachments) {
    String t = MockText.strip(message);
    if (t.isEmpty() && attachments.isEmpty()) {
      return List.of();
    }
    MockScript script = new MockScript(k);
    List<ContentPart> user = new ArrayList<>();
    user.add(new ContentPart.Text(t));
    attachments.forEach(a -> user.add(a.contentPart()));
    script.item("user", ItemKind.MESSAGE, ItemRole.USER, List.copyOf(user), ItemStatus.COMPLETED);
    if (!attachments.isEmpty()) {
      script.assistant("attachments", describe(attachments));
    }
    if (!t.isEmpty()) {
      script.select(t);
    }
    return List.copyOf(script.steps);
  }

  /** What {@code P_attachments} says: one line per attachment. */
  static String describe(List<Attachment> attachments) {
    StringBuilder text = new StringBuilder("Received " + attachments.size()
        + (attachments.size() == 1 ? " attachment:" : " attachments:"));
    for (Attachment a : attachments) {
      text.append("\n- ").append(a.kind() == Attachment.Kind.IMAGE ? "image " : "file ").append(a.name())
          .append(" (").append(a.mimeType()).append(", ").append(a.size()).append(" bytes, sha256 ")
          .append(sha256(a.content())).append(')');
    }
    return text.toString();
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private void select(String t) {
    for (Map.Entry<String, Consumer<MockScript>> prompt : EXACT_PROMPTS.entrySet()) {
      if (MockText.asciiEqualsIgnoreCase(prompt.getKey(), t)) {
        prompt.getValue().accept(this);
        return;
      }
    }
    List<String> words = MockText.words(t);
    String rest = String.join(" ", words.subList(1, words.size()));
    switch (words.get(0).toLowerCase(Locale.ROOT)) {
      case "help" -> assistant("help", HELP);
      case "demo" -> demo();
      case "markdown" -> markdown();
      case "tool", "tools", "tooling" -> tool();
      case "status" -> status();
      case "image" -> image();
      case "unknown" -> unknown();
      case "permission", "permissions" -> permissions();
      case "question", "questions" -> questions();
      case "multi-question" -> multiQuestion();
      case "usage" -> usage();
      case "error" -> error();
      case "unparsed" -> unparsed();
      case "end", "ended", "session.end" -> end();
      case "echo", "say" -> assistant("echo", rest.isEmpty() ? "Tell me what to say after `echo`." : rest);
      default -> assistant("reply", t);
    }
  }

  private String id(String suffix) {
    return p + "_" + suffix;
  }

  private void step(AgentEvent event) {
    steps.add(List.of(event));
  }

  private void started(UniversalItem item) {
    step(AgentEvent.of(new EventData.ItemStarted(item)));
  }

  private void completed(UniversalItem item) {
    step(AgentEvent.of(new EventData.ItemCompleted(item)));
  }

  private void delta(String nativeId, String delta) {
    step(AgentEvent.of(EventData.ItemDelta.ofNative(nativeId, delta)));
  }

  /** Two steps: started (in progress), then completed with {@code finalStatus}, same content. */
  private void item(
      String suffix, ItemKind kind, ItemRole role, List<ContentPart> content, ItemStatus finalStatus) {
    started(UniversalItem.of(id(suffix), kind, role, content, ItemStatus.IN_PROGRESS));
    completed(UniversalItem.of(id(suffix), kind, role, content, finalStatus));
  }

  /** The helper "assistant message with native id {@code P_suffix} and text {@code text}". */
  private void assistant(String suffix, String text) {
    item(suffix, ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(new ContentPart.Text(text)), ItemStatus.COMPLETED);
  }

  private void system() {
    item("system", ItemKind.SYSTEM, ItemRole.SYSTEM,
        List.of(new ContentPart.Text("System ready for mock events.")), ItemStatus.COMPLETED);
  }

  private void rich() {
    String id = id("assistant_rich");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("stage", "analysis");
    json.put("ok", true);
    List<ContentPart> parts =
        List.of(
            new ContentPart.Text("Mock assistant response with rich content."),
            new ContentPart.Reasoning("Public reasoning for display.", ReasoningVisibility.PUBLIC),
            new ContentPart.Reasoning("Private reasoning hidden by default.", ReasoningVisibility.PRIVATE),
            new ContentPart.Json(Collections.unmodifiableMap(json)));
    started(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, ItemStatus.IN_PROGRESS));
    delta(id, "Mock assistant ");
    delta(id, "streaming delta.");
    completed(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, ItemStatus.COMPLETED));
  }

  private void status() {
    String id = id("status");
    started(UniversalItem.of(id, ItemKind.STATUS, ItemRole.ASSISTANT,
        List.of(new ContentPart.Status("Indexing", "2 files")), ItemStatus.IN_PROGRESS));
    completed(UniversalItem.of(id, ItemKind.STATUS, ItemRole.ASSISTANT,
        List.of(new ContentPart.Status("Indexing", "Done")), ItemStatus.COMPLETED));
  }

  private void markdown() {
    String id = id("markdown");
    started(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT,
        List.of(new ContentPart.Text("Markdown demo (streaming follows)...")), ItemStatus.IN_PROGRESS));
    MARKDOWN_DELTAS.forEach(delta -> delta(id, delta));
    completed(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT,
        List.of(new ContentPart.Text(String.join("", MARKDOWN_DELTAS))), ItemStatus.COMPLETED));
  }

  private void tool() {
    String callId = id("call");
    item("tool_call", ItemKind.TOOL_CALL, ItemRole.ASSISTANT,
        List.of(new ContentPart.ToolCall("mock.search", "{\"query\":\"example\"}", callId)),
        ItemStatus.COMPLETED);
    item("tool_result", ItemKind.TOOL_RESULT, ItemRole.TOOL,
        List.of(
            new ContentPart.ToolResult(callId, "mock search results"),
            new ContentPart.FileRef(p + "/readme.md", FileAction.READ, null),
            new ContentPart.FileRef(p + "/output.txt", FileAction.WRITE, "+mock output\n"),
            new ContentPart.FileRef(p + "/patch.txt", FileAction.PATCH, "@@ -1,1 +1,1 @@\n-old\n+new\n")),
        ItemStatus.FAILED);
  }

  private void image() {
    item("image", ItemKind.MESSAGE, ItemRole.ASSISTANT,
        List.of(
            new ContentPart.Text("Here is a mock image output."),
            new ContentPart.Image(p + "/image.png", "image/png")),
        ItemStatus.COMPLETED);
  }

  private void unknown() {
    item("unknown", ItemKind.UNKNOWN, ItemRole.ASSISTANT,
        List.of(new ContentPart.Text("Unknown item kind example.")), ItemStatus.COMPLETED);
  }

  /** Permission metadata in the spec's key order: {@code codexRequestKind} first. */
  private static Map<String, Object> metadata(String requestKind, String key, String value) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("codexRequestKind", requestKind);
    metadata.put(key, value);
    return Collections.unmodifiableMap(metadata);
  }

  private void permission(String suffix, String action, Map<String, Object> metadata) {
    step(AgentEvent.of(new EventData.PermissionRequested(id(suffix), action, metadata)));
  }

  private void permissionOne() {
    permission("permission", "command_execution", metadata("commandExecution", "command", "ls"));
  }

  private void permissions() {
    permission("permission", "command_execution", metadata("commandExecution", "command", "echo mock"));
    permission("permission_denied", "file_change", metadata("fileChange", "path", p + "/deny.txt"));
  }

  private void question(String suffix, String prompt, List<String> options) {
    step(AgentEvent.of(new EventData.QuestionRequested(id(suffix), prompt, options)));
  }

  /** The usage the {@code usage} command reports for its turn. */
  static final Usage USAGE = new Usage(1200L, 80L, 300L, null, 0.0123, 4200L);

  /** A reply, then a {@code turn.completed} status item carrying {@link #USAGE}. */
  private void usage() {
    assistant("usage", "This turn reports its usage.");
    item("turn", ItemKind.STATUS, ItemRole.SYSTEM, List.of(new ContentPart.Status("turn.completed", null, USAGE)),
        ItemStatus.COMPLETED);
  }

  /** The suffix of the request {@code multi-question} makes, whose answers the mock repeats. */
  static final String MULTI_QUESTION = "multi_question";

  /** One request of two questions: a single choice with a header, then a multiple choice. */
  private void multiQuestion() {
    step(AgentEvent.of(EventData.QuestionRequested.of(id(MULTI_QUESTION), List.of(
        new Question("Color", "Which color?", List.of(new Question.Option("Red", "Warm"),
            new Question.Option("Blue", "Cool")), false),
        new Question("Sizes", "Which sizes?", List.of(new Question.Option("S", null), new Question.Option("M", null),
            new Question.Option("L", null)), true)))));
  }

  /**
   * What the mock says when the request of {@code multi-question} is answered: an assistant message
   * {@code P_answers} naming every question's header (or prompt) and answer; nothing for others.
   */
  static List<List<AgentEvent>> answered(PendingQuestion question, List<List<String>> answers) {
    String suffix = "_" + MULTI_QUESTION;
    if (!question.questionId().endsWith(suffix)) {
      return List.of();
    }
    MockScript script = new MockScript(question.questionId().substring(0, question.questionId().length() - suffix.length()));
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < question.questions().size(); i++) {
      Question q = question.questions().get(i);
      parts.add((q.header() != null ? q.header() : q.prompt()) + ": "
          + (i < answers.size() && !answers.get(i).isEmpty() ? String.join(", ", answers.get(i)) : "(no answer)"));
    }
    script.assistant("answers", "Answers: " + String.join("; ", parts));
    return List.copyOf(script.steps);
  }

  private void questionOne() {
    question("question", "Proceed?", List.of("Yes", "No"));
  }

  private void questions() {
    question("question", "Choose a color", List.of("Red", "Blue"));
    question("question_reject", "Allow mock experiment?", List.of("Yes", "No"));
  }

  private void error() {
    step(AgentEvent.synthetic(new EventData.Error("Mock error event.", "mock_error", Map.of("mock", true))));
    unparsed();
  }

  private void unparsed() {
    step(AgentEvent.synthetic(new EventData.AgentUnparsed("unsupported payload", "mock.stream"))
        .withRaw(Map.of("raw", "mock")));
  }

  private void end() {
    step(AgentEvent.synthetic(new EventData.SessionEnded(SessionEndReason.COMPLETED, TerminatedBy.AGENT)));
  }

  private void demo() {
    for (int i = 0; i < DEMO_MARKERS.size(); i++) {
      assistant("marker_" + (i + 1), DEMO_MARKERS.get(i));
      DEMO_SECTIONS.get(i).accept(this);
    }
  }
}
