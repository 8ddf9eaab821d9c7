package org.example.echoagent;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recorded output of the real program (see src/test/resources/native) against checked-in
 * translations; regenerate them after a deliberate change with {@code -Dgolden.update=true}.
 */
class EchoTranslatorGoldenTest {

  private static final Path NATIVE = Path.of("src/test/resources/native");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final TranslatorHarness HARNESS = TranslatorHarness.of(EchoTranslator::new);

  static List<String> recordings() {
    return TranslatorHarness.nativeFiles(NATIVE);
  }

  @ParameterizedTest
  @MethodSource("recordings")
  void translatesAsRecorded(String name) {
    HARNESS.assertGolden(NATIVE.resolve(name), GOLDEN.resolve(name.replace(".jsonl", ".events.jsonl")));
  }

  @ParameterizedTest
  @MethodSource("recordings")
  void keepsTheInvariants(String name) throws IOException {
    byte[] input = Files.readAllBytes(NATIVE.resolve(name));
    HARNESS.assertResplitInvariant(input);
    HARNESS.assertGarbageInvariant(input);
    // A cut stream (the program died) must end with its turn, an error or the session's end.
    HARNESS.assertCutInvariant(input, TranslatorHarness.errorOrStatus("turn.completed")
        .or(e -> e.type() == EventType.SESSION_ENDED));
    assertThat(HARNESS.translate(input)).noneMatch(e -> e.type() == EventType.AGENT_UNPARSED);
  }

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
