package dev.sandboxagent.plugins.amp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TranslatorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The translation of Amp streams beyond the golden files: the end of a process and the thread id. */
class AmpTranslatorTest {

  private static final Path NATIVE = Path.of("src/test/resources/native");

  @Test
  void aFailedProcessEndsTheSessionWithAmpsOwnMessage() {
    AmpTranslator translator = new AmpTranslator("t1_");
    List<AgentEvent> events = translator.finish(new ExitStatus(1, null,
        "Error: Couldn't connect to the Amp server at http://127.0.0.1:9."));
    assertThat(events).extracting(AgentEvent::type).containsExactly(EventType.ERROR, EventType.SESSION_ENDED);
    assertThat(((EventData.Error) events.get(0).data()).message())
        .isEqualTo("Error: Couldn't connect to the Amp server at http://127.0.0.1:9.");
    assertThat(events).allMatch(AgentEvent::synthetic);
  }

  @Test
  void anExitWithStatusZeroBeforeTheResultLeavesTheTurnToTheHost() {
    AmpTranslator translator = new AmpTranslator("t1_");
    translator.translate("{\"type\":\"message\",\"id\":\"m1\",\"content\":\"Looking at the files.\"}");
    List<AgentEvent> events = translator.finish(new ExitStatus(0, null, ""));
    // the host ends a turn its process left open with an error, for every agent alike
    assertThat(events).extracting(AgentEvent::type).doesNotContain(EventType.ERROR, EventType.SESSION_ENDED);
    assertThat(events).noneMatch(TranslatorHarness.statusCompletion("turn.completed"));
  }

  @Test
  void theThreadIdIsLearnedForTheNextTurn() throws IOException {
    AmpTranslator translator = new AmpTranslator("t2_");
    for (String line : Files.readAllLines(NATIVE.resolve("amp-continue.jsonl"))) {
      translator.translate(line);
    }
    assertThat(translator.threadId()).isEqualTo("T-7f1c2d3e-0000-4a5b-9c8d-000000000001");
  }
}
