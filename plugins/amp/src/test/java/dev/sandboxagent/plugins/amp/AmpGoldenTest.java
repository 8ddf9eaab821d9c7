package dev.sandboxagent.plugins.amp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TranslatorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-written Amp streams (see src/test/resources/native/README.md): goldens and invariants. */
class AmpGoldenTest {

  private static final Path NATIVE = Path.of("src/test/resources/native");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final TranslatorHarness HARNESS = TranslatorHarness.of(() -> new AmpTranslator("t1_"));

  static List<String> fixtures() {
    return TranslatorHarness.nativeFiles(NATIVE);
  }

  static boolean terminal(AgentEvent event) {
    return event.type() == EventType.SESSION_ENDED || TranslatorHarness.statusCompletion("turn.completed").test(event);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void translatesAsWritten(String name) {
    HARNESS.assertGolden(NATIVE.resolve(name), GOLDEN.resolve(name.replace(".jsonl", ".events.jsonl")));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void keepsTheInvariants(String name) throws IOException {
    byte[] input = Files.readAllBytes(NATIVE.resolve(name));
    HARNESS.assertResplitInvariant(input);
    HARNESS.assertGarbageInvariant(input);
    HARNESS.assertCutInvariant(input, AmpGoldenTest::terminal);
    assertThat(HARNESS.translate(input)).last().matches(AmpGoldenTest::terminal);
  }

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
