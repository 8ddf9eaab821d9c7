package dev.sandboxagent.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.EventData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineTranslatorTest {

  /** A small agent: "hello" announces the session, "say" speaks, "boom" fails halfway. */
  private static final class Agent extends JsonLineTranslator {
    Agent() {
      super("agent stdout");
    }

    @Override
    protected void translate(JsonNode record, List<AgentEvent> out) {
      switch (record.path("type").asText("")) {
        case "hello" -> nativeSessionId(record.path("session").asText());
        case "say" -> out.add(AgentEvent.of(new EventData.AgentUnparsed(record.path("text").asText(), "said")));
        case "boom" -> {
          out.add(AgentEvent.of(new EventData.AgentUnparsed("half", "said")));
          throw new IllegalStateException("no such thing");
        }
        default -> out.add(unparsed("unknown: " + record.path("type").asText(), record));
      }
    }

    @Override
    protected void finish(ExitStatus status, List<AgentEvent> out) {
      if (!status.success()) {
        out.add(AgentEvent.processExit(status.summary("agent"), status));
      }
    }
  }

  private static EventData.AgentUnparsed unparsed(AgentEvent event) {
    return (EventData.AgentUnparsed) event.data();
  }

  @Test
  void blankLinesYieldNothingAndBadLinesBecomeUnparsedCarryingTheLine() {
    Agent agent = new Agent();
    assertThat(agent.translate("   ")).isEmpty();

    AgentEvent notJson = agent.translate(" {oops ").get(0);
    assertThat(unparsed(notJson).error()).startsWith("invalid JSON: ");
    assertThat(unparsed(notJson).location()).isEqualTo("agent stdout");
    assertThat(notJson.raw()).isEqualTo("{oops");
    assertThat(notJson.synthetic()).isTrue();

    AgentEvent array = agent.translate("[1,2]").get(0);
    assertThat(unparsed(array).error()).isEqualTo("not a JSON object");
    assertThat(array.raw()).isEqualTo("[1,2]");
  }

  @Test
  void eventsCarryTheirRecordAndTheSessionIdOnceAnnounced() {
    Agent agent = new Agent();
    AgentEvent before = agent.translate("{\"type\":\"say\",\"text\":\"hi\"}").get(0);
    assertThat(before.nativeSessionId()).isNull();
    assertThat(before.raw()).isInstanceOf(JsonNode.class);
    assertThat(((JsonNode) before.raw()).path("text").asText()).isEqualTo("hi");

    assertThat(agent.translate("{\"type\":\"hello\",\"session\":\"s-1\"}")).isEmpty();
    AgentEvent after = agent.translate("{\"type\":\"say\",\"text\":\"again\"}").get(0);
    assertThat(after.nativeSessionId()).isEqualTo("s-1");
    assertThat(agent.translate("not json").get(0).nativeSessionId()).isEqualTo("s-1");
    AgentEvent unknown = agent.translate("{\"type\":\"odd\"}").get(0);
    assertThat(unparsed(unknown).error()).isEqualTo("unknown: odd");
    assertThat(unknown.nativeSessionId()).isEqualTo("s-1");
  }

  @Test
  void aRecordWhoseTranslationThrowsBecomesOneUnparsedEventAndTranslationGoesOn() {
    Agent agent = new Agent();
    List<AgentEvent> events = agent.translate("{\"type\":\"boom\"}");
    assertThat(events).hasSize(1);
    assertThat(unparsed(events.get(0)).error()).isEqualTo("cannot translate: java.lang.IllegalStateException: no such thing");
    assertThat(((JsonNode) events.get(0).raw()).path("type").asText()).isEqualTo("boom");
    assertThat(agent.translate("{\"type\":\"say\",\"text\":\"still here\"}")).hasSize(1);
  }

  @Test
  void finishStampsWhatClosesTheStream() {
    Agent agent = new Agent();
    agent.translate("{\"type\":\"hello\",\"session\":\"s-2\"}");
    assertThat(agent.finish(new ExitStatus(0, null, ""))).isEmpty();

    AgentEvent error = agent.finish(new ExitStatus(3, null, "fatal: no key\n")).get(0);
    assertThat(error.nativeSessionId()).isEqualTo("s-2");
    EventData.Error data = (EventData.Error) error.data();
    assertThat(data.message()).isEqualTo("agent exited with status 3: fatal: no key");
    assertThat(data.code()).isEqualTo("process_exit");
    assertThat(data.details()).isEqualTo(Map.of("exitCode", 3, "stderr", "fatal: no key\n"));
  }

  @Test
  void anExitIsDescribedByItsStatusOrItsSignal() {
    assertThat(new ExitStatus(null, 9, "").summary("agent")).isEqualTo("agent exited with signal 9");
    assertThat(new ExitStatus(2, null, "  ").describe()).isEqualTo("status 2");
    assertThat(new ExitStatus(null, null, "").describe()).isEqualTo("an unknown status");
  }
}
