package dev.sandboxagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TranslatorHarnessTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {"say": s} becomes an error event carrying s; anything else is unparsed; a crash adds an error. */
  static final class SayTranslator implements EventTranslator {
    @Override
    public List<AgentEvent> translate(String line) {
      try {
        JsonNode node = JSON.readTree(line);
        if (node != null && node.isObject() && node.path("say").isTextual()) {
          return List.of(AgentEvent.of(new EventData.Error(node.get("say").asText(), "said", null)));
        }
      } catch (Exception e) {
        // falls through to unparsed
      }
      return List.of(AgentEvent.synthetic(new EventData.AgentUnparsed("not a say record", "test")));
    }

    @Override
    public List<AgentEvent> finish(ExitStatus status) {
      return status.success() ? List.of() : List.of(AgentEvent.synthetic(new EventData.Error("crashed", "process_exit", null)));
    }
  }

  /** Keeps state across lines so that a dropped or duplicated line shows. */
  static final class CountingTranslator implements EventTranslator {
    private int n;

    @Override
    public List<AgentEvent> translate(String line) {
      n++;
      return List.of(AgentEvent.of(new EventData.Error(line + "#" + n, "line", null)));
    }
  }

  private static final byte[] INPUT = "{\"say\":\"héllo\"}\n{\"say\":\"two\"}\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void translatesThroughTheLineDecoder() {
    List<AgentEvent> events = TranslatorHarness.of(SayTranslator::new).translate(INPUT, 1, TranslatorHarness.CLEAN_EXIT);
    assertThat(events).extracting(e -> ((EventData.Error) e.data()).message()).containsExactly("héllo", "two");
  }

  @Test
  void invariantsHoldForAWellBehavedTranslator() {
    TranslatorHarness harness = TranslatorHarness.of(SayTranslator::new);
    harness.assertResplitInvariant(INPUT);
    harness.assertGarbageInvariant(INPUT);
    harness.assertCutInvariant(INPUT, e -> e.type() == EventType.ERROR && e.synthetic());
  }

  @Test
  void garbageInvariantCatchesATranslatorThatGarbageDisturbs() {
    TranslatorHarness harness = TranslatorHarness.of(CountingTranslator::new);
    assertThatThrownBy(() -> harness.assertGarbageInvariant(INPUT)).isInstanceOf(AssertionError.class);
  }

  @Test
  void cutInvariantCatchesAStreamWithoutTerminalEvent() {
    TranslatorHarness harness = TranslatorHarness.of(CountingTranslator::new);
    assertThatThrownBy(() -> harness.assertCutInvariant(INPUT, e -> e.type() == EventType.SESSION_ENDED))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void goldenFileIsWrittenWhenMissingThenCompared(@TempDir Path dir) throws Exception {
    Path nativeFile = dir.resolve("in.jsonl");
    Files.write(nativeFile, INPUT);
    Path expected = dir.resolve("expected/in.events.jsonl");
    TranslatorHarness harness = TranslatorHarness.of(SayTranslator::new);

    assertThatThrownBy(() -> harness.assertGolden(nativeFile, expected)).hasMessageContaining("did not exist");
    assertThat(Files.readString(expected)).startsWith("{\"type\":\"error\",\"synthetic\":false,\"data\":{");
    harness.assertGolden(nativeFile, expected);

    Files.writeString(expected, Files.readString(expected).replace("two", "three"));
    assertThatThrownBy(() -> harness.assertGolden(nativeFile, expected)).isInstanceOf(AssertionError.class);
  }
}
