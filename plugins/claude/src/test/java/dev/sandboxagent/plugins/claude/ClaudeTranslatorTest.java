package dev.sandboxagent.plugins.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.Question;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaudeTranslatorTest {

  private final ClaudeTranslator translator = new ClaudeTranslator();

  @Test
  void askUserQuestionBecomesAQuestionWithItsOptions() {
    List<AgentEvent> events = translator.translate("{\"type\":\"control_request\",\"request_id\":\"r-7\",\"request\":"
        + "{\"subtype\":\"can_use_tool\",\"tool_name\":\"AskUserQuestion\",\"input\":{\"questions\":[{\"question\":"
        + "\"Which color?\",\"header\":\"Color\",\"options\":[{\"label\":\"Red\"},{\"label\":\"Blue\"}],"
        + "\"multiSelect\":false}]}}}");
    assertThat(events).singleElement().satisfies(e -> assertThat(e.data())
        .isEqualTo(EventData.QuestionRequested.of("r-7", List.of(new Question("Color", "Which color?",
            List.of(new Question.Option("Red", null), new Question.Option("Blue", null)), false)))));
  }

  @Test
  void everyQuestionOfAnAskUserQuestionIsCarriedWithHeadersDescriptionsAndMultiSelect() {
    List<AgentEvent> events = translator.translate("{\"type\":\"control_request\",\"request_id\":\"r-8\",\"request\":"
        + "{\"subtype\":\"can_use_tool\",\"tool_name\":\"AskUserQuestion\",\"input\":{\"questions\":["
        + "{\"question\":\"Which color?\",\"header\":\"Color\",\"options\":[{\"label\":\"Red\",\"description\":\"Warm\"},"
        + "{\"label\":\"Blue\",\"description\":\"Cool\"}],\"multiSelect\":false},"
        + "{\"question\":\"Which sizes?\",\"header\":\"Sizes\",\"options\":[{\"label\":\"S\",\"description\":\"Small\"},"
        + "{\"label\":\"L\",\"description\":\"Large\"}],\"multiSelect\":true}]}}}");

    EventData.QuestionRequested request = (EventData.QuestionRequested) events.get(0).data();
    assertThat(request.prompt()).isEqualTo("Which color?");
    assertThat(request.options()).containsExactly("Red", "Blue");
    assertThat(request.questions()).containsExactly(
        new Question("Color", "Which color?", List.of(new Question.Option("Red", "Warm"),
            new Question.Option("Blue", "Cool")), false),
        new Question("Sizes", "Which sizes?", List.of(new Question.Option("S", "Small"),
            new Question.Option("L", "Large")), true));
  }

  @Test
  void aToolPermissionCarriesWhatTheClientNeedsToDecide() {
    List<AgentEvent> events = translator.translate("{\"type\":\"control_request\",\"request_id\":\"r-1\",\"request\":"
        + "{\"subtype\":\"can_use_tool\",\"tool_name\":\"Write\",\"input\":{\"file_path\":\"/x\"},"
        + "\"blocked_path\":\"/x\",\"permission_suggestions\":[{\"type\":\"setMode\",\"mode\":\"acceptEdits\"}]}}");
    EventData.PermissionRequested request = (EventData.PermissionRequested) events.get(0).data();
    assertThat(request.permissionId()).isEqualTo("r-1");
    assertThat(request.action()).isEqualTo("Write");
    assertThat(request.metadata().toString())
        .isEqualTo("{\"tool\":\"Write\",\"input\":{\"file_path\":\"/x\"},\"blocked_path\":\"/x\","
            + "\"permission_suggestions\":[{\"type\":\"setMode\",\"mode\":\"acceptEdits\"}]}");
  }

  @Test
  void anErrorResultIsAnErrorThenTheTurnCompletion() {
    List<AgentEvent> events = translator.translate("{\"type\":\"result\",\"subtype\":\"error_during_execution\","
        + "\"is_error\":true,\"errors\":[\"API Error: 529 overloaded\"],\"duration_ms\":12}");
    assertThat(events).extracting(AgentEvent::type)
        .containsExactly(EventType.ERROR, EventType.ITEM_STARTED, EventType.ITEM_COMPLETED);
    assertThat(((EventData.Error) events.get(0).data()).message()).isEqualTo("API Error: 529 overloaded");
  }

  @Test
  void aCrashFailsTheOpenMessageAndEndsWithTheStderrTail() {
    translator.translate("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"s-1\"}");
    translator.translate("{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"content\":[{\"type\":\"thinking\","
        + "\"thinking\":\"hmm\"},{\"type\":\"text\",\"text\":\"Par\"}]}}");
    List<AgentEvent> events = translator.finish(new ExitStatus(137, null, "Killed"));
    EventData.ItemCompleted message = (EventData.ItemCompleted) events.get(0).data();
    assertThat(message.item().status()).isEqualTo(ItemStatus.FAILED);
    assertThat(message.item().content()).containsExactly(
        new ContentPart.Reasoning("hmm", dev.sandboxagent.api.event.ReasoningVisibility.PUBLIC),
        new ContentPart.Text("Par"));
    EventData.Error error = (EventData.Error) events.get(1).data();
    assertThat(error.message()).isEqualTo("Claude Code exited with status 137: Killed");
    assertThat(error.code()).isEqualTo("process_exit");
    assertThat(events).allMatch(e -> "s-1".equals(e.nativeSessionId()));
  }

  @Test
  void hostileLinesAreUnparsedAndNeverThrow() {
    List<String> hostile = new ArrayList<>(List.of(
        "{\"type\":\"assistant\"}",
        "{\"type\":\"assistant\",\"message\":{\"id\":5,\"content\":\"nope\"}}",
        "{\"type\":\"user\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"content\":{\"deep\":[1,2]}}]}}",
        "{\"type\":\"stream_event\",\"event\":{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\"}}}",
        "{\"type\":\"control_request\",\"request\":{\"subtype\":\"can_use_tool\"}}",
        "{\"type\":\"result\",\"is_error\":\"yes\",\"usage\":[]}",
        "{\"type\":null}",
        "[".repeat(5000) + "]".repeat(5000),
        "{\"type\":\"" + "x".repeat(100_000) + "\"}"));
    for (String line : hostile) {
      List<AgentEvent> events = translator.translate(line);
      assertThat(events).as(line.substring(0, Math.min(80, line.length()))).isNotNull();
    }
    assertThat(translator.translate("{\"type\":\"mystery\"}")).singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.AGENT_UNPARSED));
    assertThat(translator.translate("not json")).singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.AGENT_UNPARSED));
  }
}
