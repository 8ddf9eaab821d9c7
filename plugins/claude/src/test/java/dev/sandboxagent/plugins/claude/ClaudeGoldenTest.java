package dev.sandboxagent.plugins.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TranslatorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every recorded Claude Code stream: its checked-in translation and the harness invariants. */
class ClaudeGoldenTest {

  private static final Path NATIVE = Path.of("src/test/resources/native");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final TranslatorHarness HARNESS = TranslatorHarness.of(ClaudeTranslator::new);

  static List<String> fixtures() {
    return TranslatorHarness.nativeFiles(NATIVE);
  }

  static boolean terminal(AgentEvent event) {
    return TranslatorHarness.errorOrStatus("turn.completed").test(event);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void translatesAsRecorded(String name) {
    HARNESS.assertGolden(NATIVE.resolve(name), GOLDEN.resolve(name.replace(".jsonl", ".events.jsonl")));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void keepsTheInvariants(String name) throws IOException {
    byte[] input = Files.readAllBytes(NATIVE.resolve(name));
    HARNESS.assertResplitInvariant(input);
    HARNESS.assertGarbageInvariant(input);
    HARNESS.assertCutInvariant(input, ClaudeGoldenTest::terminal);
    List<AgentEvent> events = HARNESS.translate(input);
    assertThat(events).as("a complete stream ends its turn").last().matches(ClaudeGoldenTest::terminal);
    assertThat(events).noneMatch(e -> e.type() == EventType.AGENT_UNPARSED);
  }
}
