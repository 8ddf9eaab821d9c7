package dev.sandboxagent.plugins.acp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the golden files do not show: unknown input, message boundaries, stop reasons, exits. */
class AcpTranslatorTest {

  private static String update(String body) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"sessionId\":\"s\",\"update\":" + body + "}}";
  }

  @Test
  void unknownUpdatesRequestsAndNotificationsAreUnparsed() {
    AcpTranslator translator = new AcpTranslator("");
    assertThat(translator.translate(update("{\"sessionUpdate\":\"brand_new\"}")))
        .extracting(e -> ((EventData.AgentUnparsed) e.data()).error()).containsExactly("unsupported session update: brand_new");
    assertThat(translator.translate("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"fs/read_text_file\",\"params\":{}}"))
        .extracting(AgentEvent::type).containsExactly(EventType.AGENT_UNPARSED);
    assertThat(translator.translate("{\"jsonrpc\":\"2.0\",\"method\":\"x/y\"}"))
        .extracting(AgentEvent::type).containsExactly(EventType.AGENT_UNPARSED);
    assertThat(translator.translate("not json")).extracting(AgentEvent::type).containsExactly(EventType.AGENT_UNPARSED);
    assertThat(translator.translate("   ")).isEmpty();
  }

  @Test
  void aNewMessageIdStartsANewMessage() {
    AcpTranslator translator = new AcpTranslator("p_");
    translator.translate(update("{\"sessionUpdate\":\"agent_message_chunk\",\"messageId\":\"a\","
        + "\"content\":{\"type\":\"text\",\"text\":\"one\"}}"));
    List<AgentEvent> next = translator.translate(update("{\"sessionUpdate\":\"agent_message_chunk\",\"messageId\":\"b\","
        + "\"content\":{\"type\":\"text\",\"text\":\"two\"}}"));
    assertThat(next).extracting(AgentEvent::type)
        .containsExactly(EventType.ITEM_COMPLETED, EventType.ITEM_STARTED, EventType.ITEM_DELTA);
    assertThat(((EventData.ItemCompleted) next.get(0).data()).item().nativeItemId()).isEqualTo("p_msg_1");
    assertThat(((EventData.ItemStarted) next.get(1).data()).item().nativeItemId()).isEqualTo("p_msg_2");
    assertThat(next).allMatch(e -> "s".equals(e.nativeSessionId()));
  }

  @Test
  void everyStopReasonIsATurnCompletedThatNamesIt() {
    for (String reason : List.of("end_turn", "max_tokens", "max_turn_requests", "refusal", "cancelled")) {
      List<AgentEvent> events = new AcpTranslator("").translate(
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"stopReason\":\"" + reason + "\"}}");
      assertThat(events.toString()).contains("turn.completed").contains("{\"stopReason\":\"" + reason + "\"}");
    }
  }

  @Test
  void aCrashFailsTheOpenToolResultAndIsAnErrorWithTheStderrTail() {
    AcpTranslator translator = new AcpTranslator("");
    translator.translate(update("{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"t\",\"title\":\"Run\","
        + "\"kind\":\"execute\",\"status\":\"in_progress\"}"));
    List<AgentEvent> end = translator.finish(new ExitStatus(3, null, "boom\n"));
    assertThat(end).extracting(AgentEvent::type).containsExactly(EventType.ITEM_COMPLETED, EventType.ERROR);
    assertThat(((EventData.ItemCompleted) end.get(0).data()).item().status()).isEqualTo(ItemStatus.FAILED);
    EventData.Error error = (EventData.Error) end.get(1).data();
    assertThat(error.message()).isEqualTo("the agent exited with status 3: boom");
    assertThat(error.code()).isEqualTo("process_exit");
    assertThat(new AcpTranslator("").finish(new ExitStatus(0, null, ""))).isEmpty();
  }

  @Test
  void responsesToSetUpRequestsYieldNothing() {
    AcpTranslator translator = new AcpTranslator("");
    assertThat(translator.translate("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"sessionId\":\"abc\"}}")).isEmpty();
    assertThat(translator.sessionId()).isEqualTo("abc");
    assertThat(translator.translate("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":1}}")).isEmpty();
  }
}
