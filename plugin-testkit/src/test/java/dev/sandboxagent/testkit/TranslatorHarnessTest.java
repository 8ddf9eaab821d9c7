package dev.sandboxagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalItem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
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

  /**
   * {"say": s} completes an assistant message s, {"done": true} completes the turn's status item,
   * anything else is unparsed; a crash adds an error unless {@code closesOnCrash} is false.
   */
  static final class TurnTranslator implements EventTranslator {
    private final boolean closesOnCrash;
    private int messages;

    TurnTranslator(boolean closesOnCrash) {
      this.closesOnCrash = closesOnCrash;
    }

    @Override
    public List<AgentEvent> translate(String line) {
      try {
        JsonNode node = JSON.readTree(line);
        if (node != null && node.isObject() && node.path("say").isTextual()) {
          return List.of(AgentEvent.of(new EventData.ItemCompleted(assistantMessage("m" + ++messages,
              node.get("say").asText()))));
        }
        if (node != null && node.isObject() && node.path("done").asBoolean()) {
          return List.of(AgentEvent.of(new EventData.ItemCompleted(UniversalItem.status("turn", "turn.completed", null))));
        }
      } catch (Exception e) {
        // falls through to unparsed
      }
      return List.of(AgentEvent.synthetic(new EventData.AgentUnparsed("not a turn record", "test")));
    }

    @Override
    public List<AgentEvent> finish(ExitStatus status) {
      return status.success() || !closesOnCrash
          ? List.of() : List.of(AgentEvent.synthetic(new EventData.Error("crashed", "process_exit", null)));
    }
  }

  private static UniversalItem assistantMessage(String id, String text) {
    return UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(new ContentPart.Text(text)),
        ItemStatus.COMPLETED);
  }

  /** An adapter whose only part under test is its translator. */
  record TurnAdapter(Supplier<EventTranslator> translators, boolean assistantMessageEndsTurn) implements AgentAdapter {
    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("turns").permissionModes(PermissionMode.DEFAULT).anyAgentMode(true).build();
    }

    @Override
    public AgentSession open(SessionContext context) {
      throw new UnsupportedOperationException("not opened in these tests");
    }

    @Override
    public EventTranslator newTranslator() {
      return translators.get();
    }
  }

  private static final TurnAdapter TURNS = new TurnAdapter(() -> new TurnTranslator(true), false);
  private static final String TURN = "{\"say\":\"hello\"}\n{\"say\":\"bye\"}\n{\"done\":true}\n";
  private static final String PASSED = "passed";

  /** Runs the tests; by path ({@code container/test}), "passed" or the failure's message. */
  private static Map<String, String> run(Stream<? extends DynamicNode> nodes, String prefix) {
    Map<String, String> results = new LinkedHashMap<>();
    nodes.forEach(node -> {
      String path = prefix + node.getDisplayName();
      if (node instanceof DynamicContainer container) {
        results.putAll(run(container.getChildren(), path + "/"));
      } else {
        try {
          ((DynamicTest) node).getExecutable().execute();
          results.put(path, PASSED);
        } catch (Throwable failure) {
          results.put(path, String.valueOf(failure.getMessage()));
        }
      }
    });
    return results;
  }

  private static Map<String, String> run(GoldenFiles goldenFiles) {
    return run(goldenFiles.tests(), "");
  }

  /** Every test whose path {@code checked} accepts passed. */
  private static void assertPassed(Map<String, String> results, Predicate<String> checked) {
    results.forEach((name, result) -> {
      if (checked.test(name)) {
        assertThat(result).as(name).isEqualTo(PASSED);
      }
    });
  }

  private static Path write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  @Test
  void goldenFilesPairEachRecordingWithItsTranslationByName(@TempDir Path dir) throws Exception {
    Path nativeDir = dir.resolve("native");
    Path goldenDir = dir.resolve("golden");
    TranslatorHarness harness = TranslatorHarness.of(() -> new TurnTranslator(true));
    for (String name : List.of("b-second", "a-first")) {
      String recording = TURN.replace("hello", "hello from " + name);
      write(nativeDir.resolve(name + ".jsonl"), recording);
      write(goldenDir.resolve(name + ".events.jsonl"), TranslatorHarness.render(harness.translate(recording.getBytes(StandardCharsets.UTF_8))));
    }
    write(nativeDir.resolve("README.md"), "not a recording");

    Map<String, String> results = run(GoldenFiles.forAdapter(TURNS).in(nativeDir, goldenDir));

    assertThat(results.keySet()).containsExactly(
        "a-first/translates as in its golden file",
        "a-first/translates the same however the bytes are split",
        "a-first/turns each garbage line into agent.unparsed and changes nothing else",
        "a-first/ends its turn when cut anywhere and ended by a crash",
        "a-first/ends its turn when complete",
        "a-first/understands every line",
        "b-second/translates as in its golden file",
        "b-second/translates the same however the bytes are split",
        "b-second/turns each garbage line into agent.unparsed and changes nothing else",
        "b-second/ends its turn when cut anywhere and ended by a crash",
        "b-second/ends its turn when complete",
        "b-second/understands every line");
    assertThat(results.values()).containsOnly(PASSED);

    write(goldenDir.resolve("b-second.events.jsonl"),
        Files.readString(goldenDir.resolve("a-first.events.jsonl")));
    assertThat(run(GoldenFiles.forAdapter(TURNS).in(nativeDir, goldenDir)))
        .as("each recording is compared with its own golden file")
        .containsEntry("a-first/translates as in its golden file", PASSED)
        .hasEntrySatisfying("b-second/translates as in its golden file", message ->
            assertThat(message).contains("b-second.jsonl"));
  }

  @Test
  void aRecordingWithoutAGoldenFileFails(@TempDir Path dir) throws Exception {
    Path nativeDir = dir.resolve("native");
    Path goldenDir = dir.resolve("golden");
    write(nativeDir.resolve("turn.jsonl"), TURN);

    Map<String, String> results = run(GoldenFiles.forAdapter(TURNS).in(nativeDir, goldenDir));

    assertThat(results.get("turn/translates as in its golden file"))
        .contains("turn.events.jsonl").contains("did not exist");
    assertThat(goldenDir.resolve("turn.events.jsonl")).as("written for review").exists();
    assertPassed(results, name -> !name.endsWith("golden file"));
  }

  @Test
  void aGoldenFileWithoutARecordingFails(@TempDir Path dir) throws Exception {
    Path nativeDir = dir.resolve("native");
    Path goldenDir = dir.resolve("golden");
    write(nativeDir.resolve("turn.jsonl"), TURN);
    String golden = TranslatorHarness.render(TranslatorHarness.of(() -> new TurnTranslator(true))
        .translate(TURN.getBytes(StandardCharsets.UTF_8)));
    write(goldenDir.resolve("turn.events.jsonl"), golden);
    write(goldenDir.resolve("renamed.events.jsonl"), golden);

    Map<String, String> results = run(GoldenFiles.forAdapter(TURNS).in(nativeDir, goldenDir));

    assertThat(results).containsKey("turn/translates as in its golden file")
        .hasEntrySatisfying("renamed.events.jsonl has a native recording", message ->
            assertThat(message).contains("renamed.events.jsonl").contains("has no native recording")
                .contains("renamed.jsonl"));
    assertPassed(results, name -> name.startsWith("turn/"));
  }

  @Test
  void goldenFilesNeedRecordingsAndATranslator(@TempDir Path dir) throws Exception {
    Path nativeDir = dir.resolve("native");
    Path goldenDir = dir.resolve("golden");
    assertThatThrownBy(() -> GoldenFiles.forAdapter(TURNS).in(nativeDir, goldenDir).tests())
        .isInstanceOf(AssertionError.class).hasMessageContaining("no native recordings");

    write(nativeDir.resolve("turn.jsonl"), TURN);
    assertThatThrownBy(() -> GoldenFiles.forAdapter(new TurnAdapter(() -> null, false)).in(nativeDir, goldenDir).tests())
        .isInstanceOf(AssertionError.class).hasMessageContaining("newTranslator()");
  }

  @Test
  void goldenFilesCatchACutStreamLeftOpen(@TempDir Path dir) throws Exception {
    Path nativeDir = dir.resolve("native");
    Path goldenDir = dir.resolve("golden");
    write(nativeDir.resolve("turn.jsonl"), TURN);
    TurnAdapter leavesOpen = new TurnAdapter(() -> new TurnTranslator(false), false);
    run(GoldenFiles.forAdapter(leavesOpen).in(nativeDir, goldenDir));

    Map<String, String> results = run(GoldenFiles.forAdapter(leavesOpen).in(nativeDir, goldenDir));

    assertThat(results.get("turn/ends its turn when cut anywhere and ended by a crash")).contains("stream cut at byte");
    assertPassed(results, name -> !name.contains("when cut"));
  }

  @Test
  void theTurnEndsAsTheHostEndsIt() {
    Predicate<AgentEvent> messagesGoOn = GoldenFiles.endsTurn(false);
    Predicate<AgentEvent> messagesEnd = GoldenFiles.endsTurn(true);
    AgentEvent message = AgentEvent.of(new EventData.ItemCompleted(assistantMessage("m1", "hi")));
    AgentEvent userMessage = AgentEvent.of(new EventData.ItemCompleted(
        UniversalItem.of("u1", ItemKind.MESSAGE, ItemRole.USER, List.of(new ContentPart.Text("hi")), ItemStatus.COMPLETED)));
    List<AgentEvent> alwaysEnd = List.of(
        AgentEvent.of(new EventData.ItemCompleted(UniversalItem.status("s", "turn.completed", null))),
        AgentEvent.of(new EventData.ItemCompleted(UniversalItem.status("s", "session.idle", null))),
        AgentEvent.of(new EventData.SessionEnded(SessionEndReason.ERROR, TerminatedBy.AGENT)),
        AgentEvent.synthetic(new EventData.Error("crashed", "process_exit", null)));
    List<AgentEvent> neverEnd = List.of(userMessage,
        AgentEvent.of(new EventData.ItemCompleted(UniversalItem.status("s", "thread.started", null))),
        AgentEvent.of(EventData.ItemDelta.ofNative("m1", "h")),
        AgentEvent.synthetic(new EventData.AgentUnparsed("?", "test")));

    assertThat(alwaysEnd).allMatch(messagesGoOn).allMatch(messagesEnd);
    assertThat(neverEnd).noneMatch(messagesGoOn).noneMatch(messagesEnd);
    assertThat(messagesEnd.test(message)).as("an assistant message, when it ends the turn").isTrue();
    assertThat(messagesGoOn.test(message)).as("an assistant message, when turns go on after it").isFalse();
  }
}
