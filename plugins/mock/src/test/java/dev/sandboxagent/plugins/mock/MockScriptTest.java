package dev.sandboxagent.plugins.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sandboxagent.api.AgentEvent;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The mock script, checked against literal expected events. */
class MockScriptTest {

  // ---- expected events ----------------------------------------------------------------------

  private static AgentEvent started(String id, ItemKind kind, ItemRole role, ContentPart... parts) {
    return AgentEvent.of(new EventData.ItemStarted(
        UniversalItem.of(id, kind, role, List.of(parts), ItemStatus.IN_PROGRESS)));
  }

  private static AgentEvent completed(
      String id, ItemKind kind, ItemRole role, ItemStatus status, ContentPart... parts) {
    return AgentEvent.of(new EventData.ItemCompleted(UniversalItem.of(id, kind, role, List.of(parts), status)));
  }

  private static List<AgentEvent> item(String id, ItemKind kind, ItemRole role, ContentPart... parts) {
    return List.of(started(id, kind, role, parts), completed(id, kind, role, ItemStatus.COMPLETED, parts));
  }

  private static List<AgentEvent> assistant(String id, String text) {
    return item(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, new ContentPart.Text(text));
  }

  private static AgentEvent delta(String id, String delta) {
    return AgentEvent.of(EventData.ItemDelta.ofNative(id, delta));
  }

  // ---- actual events ------------------------------------------------------------------------

  /** All steps of a message, flattened; every step must be exactly one event. */
  private static List<AgentEvent> events(int k, String message) {
    List<List<AgentEvent>> steps = MockScript.steps(k, message);
    assertThat(steps).allSatisfy(step -> assertThat(step).hasSize(1));
    return steps.stream().map(step -> step.get(0)).toList();
  }

  /** The steps after the two user-message steps, flattened. */
  private static List<AgentEvent> script(int k, String message) {
    List<AgentEvent> events = events(k, message);
    assertThat(events).hasSizeGreaterThanOrEqualTo(2);
    return events.subList(2, events.size());
  }

  /** A compact picture of a script: {@code +id} started, {@code ~id} delta, {@code =id} completed. */
  private static List<String> shape(int k, String message) {
    return script(k, message).stream()
        .map(event -> switch (event.data()) {
          case EventData.ItemStarted s -> "+" + s.item().nativeItemId();
          case EventData.ItemDelta d -> "~" + d.nativeItemId();
          case EventData.ItemCompleted c -> "=" + c.item().nativeItemId();
          case EventData.PermissionRequested p -> "!" + p.permissionId();
          case EventData.QuestionRequested q -> "?" + q.questionId();
          default -> event.type().wireName();
        })
        .toList();
  }

  private static String text(AgentEvent event) {
    UniversalItem item = event.data() instanceof EventData.ItemCompleted c
        ? c.item()
        : ((EventData.ItemStarted) event.data()).item();
    return ((ContentPart.Text) item.content().get(0)).text();
  }

  /** The keys of a JSON object value, in iteration (= serialization) order. */
  private static List<Object> keys(Object map) {
    assertThat(map).isInstanceOf(Map.class);
    return List.copyOf(((Map<?, ?>) map).keySet());
  }

  // ---- selection ----------------------------------------------------------------------------

  private static final List<String> MESSAGE_OK = List.of("+mock_1_ok", "=mock_1_ok");
  private static final List<String> RICH = List.of(
      "+mock_1_assistant_rich", "~mock_1_assistant_rich", "~mock_1_assistant_rich", "=mock_1_assistant_rich");
  private static final List<String> STATUS = List.of("+mock_1_status", "=mock_1_status");
  private static final List<String> TOOL = List.of(
      "+mock_1_tool_call", "=mock_1_tool_call", "+mock_1_tool_result", "=mock_1_tool_result");
  private static final List<String> MARKDOWN = markdownShape();

  private static List<String> markdownShape() {
    List<String> shape = new ArrayList<>();
    shape.add("+mock_1_markdown");
    for (int i = 0; i < 8; i++) {
      shape.add("~mock_1_markdown");
    }
    shape.add("=mock_1_markdown");
    return List.copyOf(shape);
  }

  static Stream<Arguments> exactPrompts() {
    return Stream.of(
        Arguments.of("Reply with exactly the single word OK.", MESSAGE_OK),
        Arguments.of("Reply with exactly the word FIRST.", List.of("+mock_1_first", "=mock_1_first")),
        Arguments.of("Reply with exactly the word SECOND.", List.of("+mock_1_second", "=mock_1_second")),
        Arguments.of("Answer briefly and include your reasoning.", RICH),
        Arguments.of("Provide a short status update.", STATUS),
        Arguments.of("List files in the current directory using available tools.", List.of("!mock_1_permission")),
        Arguments.of(
            "Use the bash tool to run `ls` in the current directory. Do not answer without using the tool.",
            Stream.concat(Stream.of("!mock_1_permission"), TOOL.stream()).toList()),
        Arguments.of(
            "Use the AskUserQuestion tool to ask exactly one yes/no question, then wait for a reply."
                + " Do not answer yourself.",
            List.of("?mock_1_question")),
        Arguments.of(
            "Call the AskUserQuestion tool with exactly one yes/no question and wait for a reply."
                + " Do not answer yourself.",
            List.of("?mock_1_question")));
  }

  @ParameterizedTest
  @MethodSource("exactPrompts")
  void exactPromptsSelectTheirScriptIgnoringAsciiCaseAndOuterWhiteSpace(String prompt, List<String> expected) {
    assertThat(shape(1, prompt)).isEqualTo(expected);
    assertThat(shape(1, prompt.toUpperCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(shape(1, prompt.toLowerCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(shape(1, "\u00A0\n " + prompt + "\u3000\u2029")).isEqualTo(expected);
  }

  static Stream<Arguments> commandWords() {
    List<String> permissions = List.of("!mock_1_permission", "!mock_1_permission_denied");
    List<String> questions = List.of("?mock_1_question", "?mock_1_question_reject");
    return Stream.of(
        Arguments.of("help", List.of("+mock_1_help", "=mock_1_help")),
        Arguments.of("markdown", MARKDOWN),
        Arguments.of("tool", TOOL),
        Arguments.of("tools", TOOL),
        Arguments.of("tooling", TOOL),
        Arguments.of("status", STATUS),
        Arguments.of("image", List.of("+mock_1_image", "=mock_1_image")),
        Arguments.of("unknown", List.of("+mock_1_unknown", "=mock_1_unknown")),
        Arguments.of("permission", permissions),
        Arguments.of("permissions", permissions),
        Arguments.of("question", questions),
        Arguments.of("questions", questions),
        Arguments.of("error", List.of("error", "agent.unparsed")),
        Arguments.of("unparsed", List.of("agent.unparsed")),
        Arguments.of("end", List.of("session.ended")),
        Arguments.of("ended", List.of("session.ended")),
        Arguments.of("session.end", List.of("session.ended")),
        Arguments.of("echo", List.of("+mock_1_echo", "=mock_1_echo")),
        Arguments.of("say", List.of("+mock_1_echo", "=mock_1_echo")),
        Arguments.of("hello", List.of("+mock_1_reply", "=mock_1_reply")),
        Arguments.of("helps", List.of("+mock_1_reply", "=mock_1_reply")),
        Arguments.of("tool-call", List.of("+mock_1_reply", "=mock_1_reply")));
  }

  @ParameterizedTest
  @MethodSource("commandWords")
  void commandWordsSelectTheirScriptWhateverTheCaseAndTheRest(String word, List<String> expected) {
    assertThat(shape(1, word)).isEqualTo(expected);
    assertThat(shape(1, word.toUpperCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(shape(1, "\t" + word + "\u2003and some more words ")).isEqualTo(expected);
  }

  @Test
  void demoHasFiftyFourStepsWithTenMarkers() {
    List<List<AgentEvent>> steps = MockScript.steps(1, "demo");
    assertThat(steps).hasSize(54);
    List<String> shape = shape(1, "Demo");
    List<String> expected = new ArrayList<>();
    List<List<String>> sections = List.of(
        List.of("+mock_1_system", "=mock_1_system"),
        RICH,
        STATUS,
        MARKDOWN,
        TOOL,
        List.of("+mock_1_image", "=mock_1_image"),
        List.of("+mock_1_unknown", "=mock_1_unknown"),
        List.of("!mock_1_permission", "!mock_1_permission_denied"),
        List.of("?mock_1_question", "?mock_1_question_reject"),
        List.of("error", "agent.unparsed"));
    for (int i = 1; i <= 10; i++) {
      expected.add("+mock_1_marker_" + i);
      expected.add("=mock_1_marker_" + i);
      expected.addAll(sections.get(i - 1));
    }
    assertThat(shape).isEqualTo(expected);
  }

  @Test
  void demoMarkersAndSystemItemHaveTheSpecTexts() {
    List<AgentEvent> events = script(3, "demo");
    List<String> markers = events.stream()
        .filter(e -> e.data() instanceof EventData.ItemCompleted c && c.item().nativeItemId().contains("_marker_"))
        .map(MockScriptTest::text)
        .toList();
    assertThat(markers).containsExactly(
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
    assertThat(events.subList(0, 4)).containsExactlyElementsOf(Stream.concat(
            assistant("mock_3_marker_1", "Next: system message (system role).").stream(),
            item("mock_3_system", ItemKind.SYSTEM, ItemRole.SYSTEM,
                new ContentPart.Text("System ready for mock events.")).stream())
        .toList());
  }

  @Test
  void exactPromptsIgnoreOnlyAsciiCase() {
    // U+017F (long s) upper-cases to 'S' and U+212A (Kelvin) lower-cases to 'k': equalsIgnoreCase
    // would match both; the spec's ASCII comparison must not.
    assertThat(shape(1, "Reply with exactly the \u017Fingle word OK.")).containsExactly("+mock_1_reply", "=mock_1_reply");
    assertThat(shape(1, "Reply with exactly the single word O\u212A.")).containsExactly("+mock_1_reply", "=mock_1_reply");
    assertThat(shape(1, "Provide a \u017Fhort status update.")).containsExactly("+mock_1_reply", "=mock_1_reply");
    // Inner white space is not normalized for exact prompts.
    assertThat(shape(1, "Reply with exactly  the single word OK.")).containsExactly("+mock_1_reply", "=mock_1_reply");
  }

  @Test
  void commandWordsUseFullUnicodeLowerCasing() {
    // U+212A KELVIN SIGN lower-cases to ASCII 'k', so this is the command "unknown".
    assertThat(shape(1, "UN\u212ANOWN")).containsExactly("+mock_1_unknown", "=mock_1_unknown");
    assertThat(shape(1, "\u0130mage")).containsExactly("+mock_1_reply", "=mock_1_reply");
  }

  @Test
  void theCounterNamesEveryId() {
    assertThat(shape(7, "tool")).containsExactly(
        "+mock_7_tool_call", "=mock_7_tool_call", "+mock_7_tool_result", "=mock_7_tool_result");
    assertThat(shape(12, "questions")).containsExactly("?mock_12_question", "?mock_12_question_reject");
  }

  // ---- blocks -------------------------------------------------------------------------------

  @Test
  void theUserMessageComesFirstWithTheStrippedText() {
    List<AgentEvent> events = events(4, "\u00A0hello\u0085");
    assertThat(events).containsExactlyElementsOf(Stream.concat(
            item("mock_4_user", ItemKind.MESSAGE, ItemRole.USER, new ContentPart.Text("hello")).stream(),
            assistant("mock_4_reply", "hello").stream())
        .toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\u00A0\u0085\u3000\u2028\t\r\n", "\u1680\u205F\u202F"})
  void blankMessagesHaveNoSteps(String message) {
    assertThat(MockScript.steps(1, message)).isEmpty();
  }

  @Test
  void otherTextIsRepliedWhole() {
    assertThat(script(1, "  hello   there\u00A0friend ")).isEqualTo(assistant("mock_1_reply", "hello   there\u00A0friend"));
  }

  @Test
  void echoRepliesWithTheRestJoinedBySingleSpacesOrAHint() {
    assertThat(script(1, "\u2003echo\u3000a   b")).isEqualTo(assistant("mock_1_echo", "a b"));
    assertThat(script(1, "SAY hi\u00A0\u00A0there\u2029")).isEqualTo(assistant("mock_1_echo", "hi there"));
    assertThat(script(2, "echo")).isEqualTo(assistant("mock_2_echo", "Tell me what to say after `echo`."));
    assertThat(script(2, "say \u2000 ")).isEqualTo(assistant("mock_2_echo", "Tell me what to say after `echo`."));
  }

  @Test
  void helpIsVerbatim() {
    String help = """
        Mock agent commands:
        - demo: run a full UI coverage sequence with markers.
        - markdown: streaming markdown fixture.
        - tool: tool call + tool result with file refs.
        - status: status item updates.
        - image: message with image content part.
        - unknown: item.kind=unknown example.
        - permission: permission requests (pending).
        - question: question requests (pending).
        - error: error + agent.unparsed events.
        - unparsed: emit agent.unparsed only.
        - end: emit session.ended.

        Any other text will be echoed as an assistant message.""";
    assertThat(script(1, "help")).isEqualTo(assistant("mock_1_help", help));
    assertThat(script(1, "help me")).isEqualTo(assistant("mock_1_help", help));
  }

  @Test
  void richStreamsTwoExplicitDeltas() {
    ContentPart[] parts = {
      new ContentPart.Text("Mock assistant response with rich content."),
      new ContentPart.Reasoning("Public reasoning for display.", ReasoningVisibility.PUBLIC),
      new ContentPart.Reasoning("Private reasoning hidden by default.", ReasoningVisibility.PRIVATE),
      new ContentPart.Json(Map.of("stage", "analysis", "ok", true))
    };
    String id = "mock_1_assistant_rich";
    List<AgentEvent> events = script(1, "Answer briefly and include your reasoning.");
    assertThat(events).containsExactly(
        started(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts),
        delta(id, "Mock assistant "),
        delta(id, "streaming delta."),
        completed(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, parts));
    Object json = ((ContentPart.Json) ((EventData.ItemStarted) events.get(0).data()).item().content().get(3)).json();
    assertThat(keys(json)).containsExactly("stage", "ok");
  }

  @Test
  void statusUpdatesItsDetail() {
    assertThat(script(1, "status")).containsExactly(
        started("mock_1_status", ItemKind.STATUS, ItemRole.ASSISTANT, new ContentPart.Status("Indexing", "2 files")),
        completed("mock_1_status", ItemKind.STATUS, ItemRole.ASSISTANT, ItemStatus.COMPLETED,
            new ContentPart.Status("Indexing", "Done")));
  }

  /** The expected lines (JSON string literals are valid Java literals here). */
  private static final List<String> SPEC_MARKDOWN_DELTAS = List.of(
      "# Markdown Demo\n\n**Bo",
      "ld**, *ita",
      "lic*, ***bold-",
      "italic***, and ~~stri",
      "kethrough~~.\n\nInline code: `const x = 1`.\n\n## Lists\n- Item one\n  - Nested item\n- Item two\n\n1.",
      " First\n2. Second\n\n> Blockquote with **bold** text.\n\n## Code\n```t",
      "s\nconst answer: number = 42;\nconsole.log(answer);\n```\n\n## Table\n| Column A | Column B |\n|:---------|---------:|\n| Left",
      "     | Right    |\n| Alpha    | Beta     |\n\n## Link\n[Example](https://example.com)\n\n---\n\nEnd of markdown demo.");

  @Test
  void markdownDeltasAreByteExactAndConcatenateToTheCompletedText() {
    List<AgentEvent> events = script(1, "markdown");
    assertThat(events).hasSize(10);
    assertThat(events.get(0)).isEqualTo(started("mock_1_markdown", ItemKind.MESSAGE, ItemRole.ASSISTANT,
        new ContentPart.Text("Markdown demo (streaming follows)...")));
    assertThat(events.subList(1, 9))
        .isEqualTo(SPEC_MARKDOWN_DELTAS.stream().map(d -> delta("mock_1_markdown", d)).toList());
    String all = String.join("", SPEC_MARKDOWN_DELTAS);
    assertThat(events.get(9)).isEqualTo(completed("mock_1_markdown", ItemKind.MESSAGE, ItemRole.ASSISTANT,
        ItemStatus.COMPLETED, new ContentPart.Text(all)));
    assertThat(all).startsWith("# Markdown Demo\n\n**Bold**, *italic*, ***bold-italic***, and ~~strikethrough~~.")
        .contains("```ts\nconst answer: number = 42;")
        .endsWith("---\n\nEnd of markdown demo.");
  }

  @Test
  void toolUsesTheMessagePrefixAndItsResultFails() {
    ContentPart call = new ContentPart.ToolCall("mock.search", "{\"query\":\"example\"}", "mock_2_call");
    ContentPart[] result = {
      new ContentPart.ToolResult("mock_2_call", "mock search results"),
      new ContentPart.FileRef("mock_2/readme.md", FileAction.READ, null),
      new ContentPart.FileRef("mock_2/output.txt", FileAction.WRITE, "+mock output\n"),
      new ContentPart.FileRef("mock_2/patch.txt", FileAction.PATCH, "@@ -1,1 +1,1 @@\n-old\n+new\n")
    };
    assertThat(script(2, "tool")).containsExactly(
        started("mock_2_tool_call", ItemKind.TOOL_CALL, ItemRole.ASSISTANT, call),
        completed("mock_2_tool_call", ItemKind.TOOL_CALL, ItemRole.ASSISTANT, ItemStatus.COMPLETED, call),
        started("mock_2_tool_result", ItemKind.TOOL_RESULT, ItemRole.TOOL, result),
        completed("mock_2_tool_result", ItemKind.TOOL_RESULT, ItemRole.TOOL, ItemStatus.FAILED, result));
  }

  @Test
  void imageAndUnknownItems() {
    assertThat(script(5, "image")).isEqualTo(item("mock_5_image", ItemKind.MESSAGE, ItemRole.ASSISTANT,
        new ContentPart.Text("Here is a mock image output."), new ContentPart.Image("mock_5/image.png", "image/png")));
    assertThat(script(5, "unknown")).isEqualTo(item("mock_5_unknown", ItemKind.UNKNOWN, ItemRole.ASSISTANT,
        new ContentPart.Text("Unknown item kind example.")));
  }

  @Test
  void permissionsCarryOrderedCodexMetadata() {
    assertThat(script(3, "List files in the current directory using available tools.")).containsExactly(
        AgentEvent.of(new EventData.PermissionRequested("mock_3_permission", "command_execution",
            Map.of("codexRequestKind", "commandExecution", "command", "ls"))));
    List<AgentEvent> events = script(3, "permissions");
    assertThat(events).containsExactly(
        AgentEvent.of(new EventData.PermissionRequested("mock_3_permission", "command_execution",
            Map.of("codexRequestKind", "commandExecution", "command", "echo mock"))),
        AgentEvent.of(new EventData.PermissionRequested("mock_3_permission_denied", "file_change",
            Map.of("codexRequestKind", "fileChange", "path", "mock_3/deny.txt"))));
    assertThat(events).extracting(event -> keys(((EventData.PermissionRequested) event.data()).metadata()))
        .containsExactly(List.of("codexRequestKind", "command"), List.of("codexRequestKind", "path"));
  }

  @Test
  void questionsArePending() {
    assertThat(script(1, "Call the AskUserQuestion tool with exactly one yes/no question and wait for a reply."
            + " Do not answer yourself."))
        .containsExactly(AgentEvent.of(new EventData.QuestionRequested("mock_1_question", "Proceed?", List.of("Yes", "No"))));
    assertThat(script(2, "questions")).containsExactly(
        AgentEvent.of(new EventData.QuestionRequested("mock_2_question", "Choose a color", List.of("Red", "Blue"))),
        AgentEvent.of(new EventData.QuestionRequested("mock_2_question_reject", "Allow mock experiment?",
            List.of("Yes", "No"))));
  }

  @Test
  void usageReportsTheTurnsUsageOnATurnCompletedStatusItem() {
    assertThat(shape(3, "usage")).containsExactly("+mock_3_usage", "=mock_3_usage", "+mock_3_turn", "=mock_3_turn");
    EventData.ItemCompleted turn = (EventData.ItemCompleted) script(3, "usage").get(3).data();
    assertThat(turn.item().content()).containsExactly(new ContentPart.Status("turn.completed", null,
        new Usage(1200L, 80L, 300L, null, 0.0123, 4200L)));
  }

  @Test
  void multiQuestionAsksTwoQuestionsInOneRequestAndRepeatsTheAnswers() {
    List<AgentEvent> events = script(4, "multi-question");
    assertThat(events).singleElement().satisfies(e -> {
      EventData.QuestionRequested q = (EventData.QuestionRequested) e.data();
      assertThat(q.questionId()).isEqualTo("mock_4_multi_question");
      assertThat(q.prompt()).isEqualTo("Which color?");
      assertThat(q.options()).containsExactly("Red", "Blue");
      assertThat(q.questions()).extracting(Question::header, Question::multiSelect)
          .containsExactly(tuple("Color", false), tuple("Sizes", true));
      assertThat(q.questions().get(0).options()).contains(new Question.Option("Red", "Warm"));
    });
    EventData.QuestionRequested q = (EventData.QuestionRequested) events.get(0).data();
    PendingQuestion pending = new PendingQuestion(q.questionId(), q.prompt(), q.options(), null, q.questions());

    assertThat(MockScript.answered(pending, List.of(List.of("Blue"), List.of("S", "L"))))
        .extracting(step -> step.get(0).data())
        .containsExactly(
            new EventData.ItemStarted(UniversalItem.of("mock_4_answers", ItemKind.MESSAGE, ItemRole.ASSISTANT,
                List.of(new ContentPart.Text("Answers: Color: Blue; Sizes: S, L")), ItemStatus.IN_PROGRESS)),
            new EventData.ItemCompleted(UniversalItem.of("mock_4_answers", ItemKind.MESSAGE, ItemRole.ASSISTANT,
                List.of(new ContentPart.Text("Answers: Color: Blue; Sizes: S, L")), ItemStatus.COMPLETED)));
    assertThat(MockScript.answered(pending, List.of(List.of("Red")))).last()
        .satisfies(step -> assertThat(step.get(0).data().toString()).contains("Answers: Color: Red; Sizes: (no answer)"));
    assertThat(MockScript.answered(new PendingQuestion("mock_1_question", "Proceed?", List.of("Yes"), null),
        List.of(List.of("Yes")))).isEmpty();
  }

  @Test
  void errorUnparsedAndEndAreSynthetic() {
    AgentEvent unparsed = AgentEvent.synthetic(new EventData.AgentUnparsed("unsupported payload", "mock.stream"))
        .withRaw(Map.of("raw", "mock"));
    assertThat(script(1, "error")).containsExactly(
        AgentEvent.synthetic(new EventData.Error("Mock error event.", "mock_error", Map.of("mock", true))),
        unparsed);
    assertThat(script(1, "unparsed")).containsExactly(unparsed);
    assertThat(script(1, "end")).containsExactly(
        AgentEvent.synthetic(new EventData.SessionEnded(SessionEndReason.COMPLETED, TerminatedBy.AGENT)));
  }

  @Test
  void everyOtherStepIsAgentOutputWithoutRawParentOrDaemonId() {
    List<AgentEvent> events = events(1, "demo");
    assertThat(events).filteredOn(AgentEvent::synthetic).extracting(AgentEvent::type)
        .extracting(type -> type.wireName()).containsExactly("error", "agent.unparsed");
    assertThat(events).filteredOn(e -> !e.synthetic()).allSatisfy(event -> {
      assertThat(event.raw()).isNull();
      assertThat(event.nativeSessionId()).isNull();
      UniversalItem item = switch (event.data()) {
        case EventData.ItemStarted s -> s.item();
        case EventData.ItemCompleted c -> c.item();
        default -> null;
      };
      if (item != null) {
        assertThat(item.itemId()).isEmpty();
        assertThat(item.parentId()).isNull();
      }
      if (event.data() instanceof EventData.ItemDelta d) {
        assertThat(d.itemId()).isEmpty();
      }
    });
  }
}
