package dev.sandboxagent.plugins.mock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class MockScriptTest {

  /** The native id (or event type) of every step after the two user-message steps. */
  private static List<String> shape(int k, String message) {
    List<List<AgentEvent>> steps = MockScript.steps(k, message);
    assertThat(steps.get(0).get(0).data()).isInstanceOf(EventData.ItemStarted.class);
    assertThat(((EventData.ItemStarted) steps.get(0).get(0).data()).item().nativeItemId()).isEqualTo("mock_" + k + "_user");
    return steps.subList(2, steps.size()).stream().map(step -> switch (step.get(0).data()) {
      case EventData.ItemStarted s -> "+" + s.item().nativeItemId();
      case EventData.ItemCompleted c -> "=" + c.item().nativeItemId();
      case EventData.ItemDelta d -> "~" + d.nativeItemId();
      case EventData.PermissionRequested p -> "?" + p.permissionId();
      case EventData.QuestionRequested q -> "?" + q.questionId();
      default -> step.get(0).data().type().wireName();
    }).toList();
  }

  static Stream<Arguments> scripts() {
    return Stream.of(
        Arguments.of("Reply with exactly the single word OK.", List.of("+mock_1_ok", "=mock_1_ok")),
        Arguments.of("REPLY WITH EXACTLY THE WORD FIRST.", List.of("+mock_1_first", "=mock_1_first")),
        Arguments.of("Reply with exactly the word SECOND.", List.of("+mock_1_second", "=mock_1_second")),
        Arguments.of("Answer briefly and include your reasoning.", List.of("+mock_1_assistant_rich",
            "~mock_1_assistant_rich", "~mock_1_assistant_rich", "=mock_1_assistant_rich")),
        Arguments.of("Provide a short status update.", List.of("+mock_1_status", "=mock_1_status")),
        Arguments.of("List files in the current directory using available tools.", List.of("?mock_1_permission")),
        Arguments.of("Use the bash tool to run `ls` in the current directory. Do not answer without using the tool.",
            List.of("?mock_1_permission", "+mock_1_tool_call", "=mock_1_tool_call", "+mock_1_tool_result",
                "=mock_1_tool_result")),
        Arguments.of("Use the AskUserQuestion tool to ask exactly one yes/no question, then wait for a reply. "
            + "Do not answer yourself.", List.of("?mock_1_question")),
        Arguments.of("help", List.of("+mock_1_help", "=mock_1_help")),
        Arguments.of("Tooling now", List.of("+mock_1_tool_call", "=mock_1_tool_call", "+mock_1_tool_result",
            "=mock_1_tool_result")),
        Arguments.of("status", List.of("+mock_1_status", "=mock_1_status")),
        Arguments.of("image", List.of("+mock_1_image", "=mock_1_image")),
        Arguments.of("unknown", List.of("+mock_1_unknown", "=mock_1_unknown")),
        Arguments.of("permissions", List.of("?mock_1_permission", "?mock_1_permission_denied")),
        Arguments.of("QUESTION", List.of("?mock_1_question", "?mock_1_question_reject")),
        Arguments.of("error", List.of("error", "agent.unparsed")),
        Arguments.of("unparsed", List.of("agent.unparsed")),
        Arguments.of("session.end", List.of("session.ended")),
        Arguments.of("say", List.of("+mock_1_echo", "=mock_1_echo")),
        Arguments.of("anything else", List.of("+mock_1_reply", "=mock_1_reply")));
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void selectsTheScript(String message, List<String> expected) {
    assertThat(shape(1, message)).isEqualTo(expected);
  }

  private static String completedText(List<List<AgentEvent>> steps) {
    UniversalItem item = ((EventData.ItemCompleted) steps.get(steps.size() - 1).get(0).data()).item();
    return ((ContentPart.Text) item.content().get(0)).text();
  }

  @Test
  void stripsAndSplitsOnUnicodeWhiteSpaceOnly() {
    assertThat(MockScript.stripWhiteSpace("\u00a0hello\u0085")).isEqualTo("hello");
    assertThat(MockScript.stripWhiteSpace("\u200bhello")).isEqualTo("\u200bhello");
    assertThat(completedText(MockScript.steps(3, "\u2003echo\u3000a \u00a0 b\u2029"))).isEqualTo("a b");
    assertThat(completedText(MockScript.steps(3, "echo"))).isEqualTo("Tell me what to say after `echo`.");
    assertThat(MockScript.steps(1, " \u00a0\u3000\n")).isEmpty();
  }

  @Test
  void exactPromptsIgnoreOnlyAsciiCase() {
    assertThat(shape(1, "Reply with exactly the \u017Fingle word OK.")).containsExactly("+mock_1_reply", "=mock_1_reply");
    assertThat(MockScript.asciiEqualsIgnoreCase("K", "\u212A")).isFalse();
    assertThat(shape(1, "\u0130tem")).containsExactly("+mock_1_reply", "=mock_1_reply");
  }

  @Test
  void demoHasFiftyFourStepsAndMarkdownConcatenates() {
    assertThat(MockScript.steps(1, "demo")).hasSize(54);
    List<List<AgentEvent>> markdown = MockScript.steps(2, "markdown");
    assertThat(completedText(markdown)).isEqualTo(String.join("", MockScript.MARKDOWN_DELTAS));
    assertThat(completedText(markdown)).startsWith("# Markdown Demo\n\n**Bold**").endsWith("End of markdown demo.");
    assertThat(completedText(MockScript.steps(1, "help"))).startsWith("Mock agent commands:\n- demo:")
        .endsWith("\n\nAny other text will be echoed as an assistant message.");
  }

  @Test
  void toolResultUsesThePrefixAndFails() {
    List<List<AgentEvent>> steps = MockScript.steps(2, "tool");
    UniversalItem result = ((EventData.ItemCompleted) steps.get(5).get(0).data()).item();
    assertThat(result.status()).isEqualTo(ItemStatus.FAILED);
    assertThat(result.content()).containsExactly(
        new ContentPart.ToolResult("mock_2_call", "mock search results"),
        new ContentPart.FileRef("mock_2/readme.md", dev.sandboxagent.api.event.FileAction.READ, null),
        new ContentPart.FileRef("mock_2/output.txt", dev.sandboxagent.api.event.FileAction.WRITE, "+mock output\n"),
        new ContentPart.FileRef("mock_2/patch.txt", dev.sandboxagent.api.event.FileAction.PATCH,
            "@@ -1,1 +1,1 @@\n-old\n+new\n"));
  }
}
