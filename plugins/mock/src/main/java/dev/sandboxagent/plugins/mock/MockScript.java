package dev.sandboxagent.plugins.mock;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.FileAction;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.ReasoningVisibility;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The mock agent's script: which steps a message produces. Pure; each step is one batch. */
final class MockScript {

  static final String HELP = String.join("\n",
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

  static final List<String> MARKDOWN_DELTAS = List.of(
      "# Markdown Demo\n\n**Bo",
      "ld**, *ita",
      "lic*, ***bold-",
      "italic***, and ~~stri",
      "kethrough~~.\n\nInline code: `const x = 1`.\n\n## Lists\n- Item one\n  - Nested item\n- Item two\n\n1.",
      " First\n2. Second\n\n> Blockquote with **bold** text.\n\n## Code\n```t",
      "s\nconst answer: number = 42;\nconsole.log(answer);\n```\n\n## Table\n| Column A | Column B |\n"
          + "|:---------|---------:|\n| Left",
      "     | Right    |\n| Alpha    | Beta     |\n\n## Link\n[Example](https://example.com)\n\n---\n\n"
          + "End of markdown demo.");

  private static final List<String> DEMO_MARKERS = List.of(
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

  private static final Map<String, String> EXACT_PROMPTS = new LinkedHashMap<>();

  static {
    EXACT_PROMPTS.put("Reply with exactly the single word OK.", "OK");
    EXACT_PROMPTS.put("Reply with exactly the word FIRST.", "FIRST");
    EXACT_PROMPTS.put("Reply with exactly the word SECOND.", "SECOND");
    EXACT_PROMPTS.put("Answer briefly and include your reasoning.", "RICH");
    EXACT_PROMPTS.put("Provide a short status update.", "STATUS");
    EXACT_PROMPTS.put("List files in the current directory using available tools.", "PERMISSION-ONE");
    EXACT_PROMPTS.put(
        "Use the bash tool to run `ls` in the current directory. Do not answer without using the tool.",
        "PERMISSION-ONE+TOOL");
    EXACT_PROMPTS.put("Use the AskUserQuestion tool to ask exactly one yes/no question, then wait for a reply. "
        + "Do not answer yourself.", "QUESTION-ONE");
    EXACT_PROMPTS.put("Call the AskUserQuestion tool with exactly one yes/no question and wait for a reply. "
        + "Do not answer yourself.", "QUESTION-ONE");
  }

  private final String p;
  private final List<List<AgentEvent>> steps = new ArrayList<>();

  private MockScript(int k) {
    this.p = "mock_" + k;
  }

  /** The steps of message number {@code k} (from 1); empty for a blank message. */
  static List<List<AgentEvent>> steps(int k, String message) {
    String t = stripWhiteSpace(message);
    if (t.isEmpty()) {
      return List.of();
    }
    MockScript s = new MockScript(k);
    s.message(s.p + "_user", ItemRole.USER, List.of(new ContentPart.Text(t)));
    s.script(t);
    return List.copyOf(s.steps);
  }

  private void script(String t) {
    for (Map.Entry<String, String> prompt : EXACT_PROMPTS.entrySet()) {
      if (asciiEqualsIgnoreCase(prompt.getKey(), t)) {
        switch (prompt.getValue()) {
          case "OK" -> assistant(p + "_ok", "OK");
          case "FIRST" -> assistant(p + "_first", "FIRST");
          case "SECOND" -> assistant(p + "_second", "SECOND");
          case "RICH" -> rich();
          case "STATUS" -> status();
          case "PERMISSION-ONE" -> permissionOne();
          case "PERMISSION-ONE+TOOL" -> {
            permissionOne();
            tool();
          }
          default -> questionOne();
        }
        return;
      }
    }
    List<String> words = splitWhiteSpace(t);
    String command = words.get(0).toLowerCase(Locale.ROOT);
    String rest = String.join(" ", words.subList(1, words.size()));
    switch (command) {
      case "help" -> assistant(p + "_help", HELP);
      case "demo" -> demo();
      case "markdown" -> markdown();
      case "tool", "tools", "tooling" -> tool();
      case "status" -> status();
      case "image" -> image();
      case "unknown" -> unknown();
      case "permission", "permissions" -> permissions();
      case "question", "questions" -> questions();
      case "error" -> error();
      case "unparsed" -> unparsed();
      case "end", "ended", "session.end" -> end();
      case "echo", "say" -> assistant(p + "_echo", rest.isEmpty() ? "Tell me what to say after `echo`." : rest);
      default -> assistant(p + "_reply", t);
    }
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

  /** An item as two steps: started (in progress), then completed with {@code finalStatus}. */
  private void item(String nativeId, ItemKind kind, ItemRole role, List<ContentPart> content, ItemStatus finalStatus) {
    started(UniversalItem.of(nativeId, kind, role, content, ItemStatus.IN_PROGRESS));
    completed(UniversalItem.of(nativeId, kind, role, content, finalStatus));
  }

  private void message(String nativeId, ItemRole role, List<ContentPart> content) {
    item(nativeId, ItemKind.MESSAGE, role, content, ItemStatus.COMPLETED);
  }

  private void assistant(String nativeId, String text) {
    message(nativeId, ItemRole.ASSISTANT, List.of(new ContentPart.Text(text)));
  }

  private void rich() {
    String id = p + "_assistant_rich";
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("stage", "analysis");
    json.put("ok", true);
    List<ContentPart> parts = List.of(
        new ContentPart.Text("Mock assistant response with rich content."),
        new ContentPart.Reasoning("Public reasoning for display.", ReasoningVisibility.PUBLIC),
        new ContentPart.Reasoning("Private reasoning hidden by default.", ReasoningVisibility.PRIVATE),
        new ContentPart.Json(json));
    started(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, ItemStatus.IN_PROGRESS));
    step(AgentEvent.of(EventData.ItemDelta.ofNative(id, "Mock assistant ")));
    step(AgentEvent.of(EventData.ItemDelta.ofNative(id, "streaming delta.")));
    completed(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, ItemStatus.COMPLETED));
  }

  private void status() {
    String id = p + "_status";
    started(UniversalItem.of(id, ItemKind.STATUS, ItemRole.ASSISTANT,
        List.of(new ContentPart.Status("Indexing", "2 files")), ItemStatus.IN_PROGRESS));
    completed(UniversalItem.of(id, ItemKind.STATUS, ItemRole.ASSISTANT,
        List.of(new ContentPart.Status("Indexing", "Done")), ItemStatus.COMPLETED));
  }

  private void markdown() {
    String id = p + "_markdown";
    started(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT,
        List.of(new ContentPart.Text("Markdown demo (streaming follows)...")), ItemStatus.IN_PROGRESS));
    for (String delta : MARKDOWN_DELTAS) {
      step(AgentEvent.of(EventData.ItemDelta.ofNative(id, delta)));
    }
    completed(UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT,
        List.of(new ContentPart.Text(String.join("", MARKDOWN_DELTAS))), ItemStatus.COMPLETED));
  }

  private void tool() {
    String call = p + "_call";
    item(p + "_tool_call", ItemKind.TOOL_CALL, ItemRole.ASSISTANT,
        List.of(new ContentPart.ToolCall("mock.search", "{\"query\":\"example\"}", call)), ItemStatus.COMPLETED);
    item(p + "_tool_result", ItemKind.TOOL_RESULT, ItemRole.TOOL, List.of(
        new ContentPart.ToolResult(call, "mock search results"),
        new ContentPart.FileRef(p + "/readme.md", FileAction.READ, null),
        new ContentPart.FileRef(p + "/output.txt", FileAction.WRITE, "+mock output\n"),
        new ContentPart.FileRef(p + "/patch.txt", FileAction.PATCH, "@@ -1,1 +1,1 @@\n-old\n+new\n")),
        ItemStatus.FAILED);
  }

  private void image() {
    message(p + "_image", ItemRole.ASSISTANT, List.of(
        new ContentPart.Text("Here is a mock image output."), new ContentPart.Image(p + "/image.png", "image/png")));
  }

  private void unknown() {
    item(p + "_unknown", ItemKind.UNKNOWN, ItemRole.ASSISTANT,
        List.of(new ContentPart.Text("Unknown item kind example.")), ItemStatus.COMPLETED);
  }

  private static Map<String, Object> metadata(String kind, String key, String value) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("codexRequestKind", kind);
    map.put(key, value);
    return map;
  }

  private void permissionOne() {
    step(AgentEvent.of(new EventData.PermissionRequested(
        p + "_permission", "command_execution", metadata("commandExecution", "command", "ls"))));
  }

  private void permissions() {
    step(AgentEvent.of(new EventData.PermissionRequested(
        p + "_permission", "command_execution", metadata("commandExecution", "command", "echo mock"))));
    step(AgentEvent.of(new EventData.PermissionRequested(
        p + "_permission_denied", "file_change", metadata("fileChange", "path", p + "/deny.txt"))));
  }

  private void questionOne() {
    step(AgentEvent.of(new EventData.QuestionRequested(p + "_question", "Proceed?", List.of("Yes", "No"))));
  }

  private void questions() {
    step(AgentEvent.of(new EventData.QuestionRequested(p + "_question", "Choose a color", List.of("Red", "Blue"))));
    step(AgentEvent.of(new EventData.QuestionRequested(
        p + "_question_reject", "Allow mock experiment?", List.of("Yes", "No"))));
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
    for (int i = 1; i <= DEMO_MARKERS.size(); i++) {
      assistant(p + "_marker_" + i, DEMO_MARKERS.get(i - 1));
      switch (i) {
        case 1 -> item(p + "_system", ItemKind.SYSTEM, ItemRole.SYSTEM,
            List.of(new ContentPart.Text("System ready for mock events.")), ItemStatus.COMPLETED);
        case 2 -> rich();
        case 3 -> status();
        case 4 -> markdown();
        case 5 -> tool();
        case 6 -> image();
        case 7 -> unknown();
        case 8 -> permissions();
        case 9 -> questions();
        default -> error();
      }
    }
  }

  /** Unicode {@code White_Space}, which neither {@link String#trim} nor {@link String#strip} matches. */
  static boolean isWhiteSpace(int c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
  }

  static String stripWhiteSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isWhiteSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isWhiteSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  static List<String> splitWhiteSpace(String s) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      while (i < s.length() && isWhiteSpace(s.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < s.length() && !isWhiteSpace(s.charAt(i))) {
        i++;
      }
      if (i > start) {
        words.add(s.substring(start, i));
      }
    }
    return words;
  }

  static boolean asciiEqualsIgnoreCase(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y && asciiLower(x) != asciiLower(y)) {
        return false;
      }
    }
    return true;
  }

  private static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
