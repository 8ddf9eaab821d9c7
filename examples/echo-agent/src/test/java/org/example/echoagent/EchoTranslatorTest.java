package org.example.echoagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The translation of the program's output beyond the golden files: the end of a crashed program. */
class EchoTranslatorTest {

  @Test
  void aCrashEndsTheSessionWithTheProgramsWords() {
    EchoTranslator translator = new EchoTranslator();
    translator.translate("{\"type\":\"ready\",\"session\":\"echo-1\"}");
    translator.translate("{\"type\":\"delta\",\"id\":\"m1\",\"text\":\"echo: \"}");
    List<AgentEvent> end = translator.finish(new ExitStatus(3, null, "echo-agent: crashing as asked\n"));
    assertThat(end).extracting(AgentEvent::type)
        .containsExactly(EventType.ITEM_COMPLETED, EventType.ERROR, EventType.SESSION_ENDED);
    assertThat(((EventData.Error) end.get(1).data()).message()).isEqualTo("echo-agent: crashing as asked");
    assertThat(end).allMatch(e -> "echo-1".equals(e.nativeSessionId()));
  }
}
