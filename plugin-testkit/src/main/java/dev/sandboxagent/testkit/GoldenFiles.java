package dev.sandboxagent.testkit;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * The golden files of an adapter, found by name and checked with its own translator ({@link
 * AgentAdapter#newTranslator()}): every native recording {@code native/NAME.jsonl} is translated
 * and compared with {@code golden/NAME.events.jsonl}, and keeps the {@link TranslatorHarness}
 * invariants. A plugin's whole golden test is:
 *
 * <pre>{@code
 * class MyGoldenTest {
 *   @TestFactory
 *   Stream<DynamicNode> goldenFiles() {
 *     return GoldenFiles.forAdapter(new MyAdapter()).tests();
 *   }
 * }
 * }</pre>
 *
 * <p>For each recording: the golden comparison ({@code -Dgolden.update=true} rewrites the golden
 * file), the re-split and garbage invariants, the cut invariant (a stream cut anywhere and ended by
 * a crash ends with an event that ends the turn, see {@link #endsTurn}), a complete recording
 * ending its turn, and no {@code agent.unparsed} event in a complete recording. A recording
 * without a golden file fails (its golden file is written for review), and so does a golden file
 * without a recording.
 */
public final class GoldenFiles {

  /** Where the native recordings are, relative to the module's directory. */
  public static final Path NATIVE_DIR = Path.of("src", "test", "resources", "native");

  /** Where their translations are, relative to the module's directory. */
  public static final Path GOLDEN_DIR = Path.of("src", "test", "resources", "golden");

  /** The file name ending of a native recording. */
  public static final String NATIVE_SUFFIX = ".jsonl";

  /** The file name ending of a golden file. */
  public static final String GOLDEN_SUFFIX = ".events.jsonl";

  private final AgentAdapter adapter;
  private final Path nativeDir;
  private final Path goldenDir;

  private GoldenFiles(AgentAdapter adapter, Path nativeDir, Path goldenDir) {
    this.adapter = requireNonNull(adapter, "adapter is null");
    this.nativeDir = requireNonNull(nativeDir, "nativeDir is null");
    this.goldenDir = requireNonNull(goldenDir, "goldenDir is null");
  }

  /** The golden files of {@code adapter} in {@link #NATIVE_DIR} and {@link #GOLDEN_DIR}. */
  public static GoldenFiles forAdapter(AgentAdapter adapter) {
    return new GoldenFiles(adapter, NATIVE_DIR, GOLDEN_DIR);
  }

  /** The same adapter's golden files in other directories. */
  public GoldenFiles in(Path nativeDir, Path goldenDir) {
    return new GoldenFiles(adapter, nativeDir, goldenDir);
  }

  /**
   * The tests, one container per recording plus one failing test per golden file without a
   * recording; for a {@code @TestFactory}. Fails at once when the adapter makes no translator or
   * there is no recording.
   */
  public Stream<DynamicNode> tests() {
    assertThat(adapter.newTranslator()).as("%s's newTranslator()", adapter.getClass().getName()).isNotNull();
    TranslatorHarness harness = TranslatorHarness.of(adapter::newTranslator);
    Predicate<AgentEvent> endsTurn = endsTurn(adapter.assistantMessageEndsTurn());
    List<String> recordings = names(nativeDir, NATIVE_SUFFIX);
    if (recordings.isEmpty()) {
      fail("no native recordings (*%s) in %s", NATIVE_SUFFIX, nativeDir.toAbsolutePath());
    }
    List<DynamicNode> tests = new ArrayList<>();
    for (String name : recordings) {
      tests.add(recordingTests(harness, endsTurn, name));
    }
    for (String name : names(goldenDir, GOLDEN_SUFFIX)) {
      if (!recordings.contains(name)) {
        Path golden = goldenDir.resolve(name + GOLDEN_SUFFIX);
        Path missing = nativeDir.resolve(name + NATIVE_SUFFIX);
        tests.add(DynamicTest.dynamicTest(name + GOLDEN_SUFFIX + " has a native recording", golden.toUri(),
            () -> fail("golden file %s has no native recording %s: add the recording or remove the golden file",
                golden, missing)));
      }
    }
    return tests.stream();
  }

  private DynamicContainer recordingTests(TranslatorHarness harness, Predicate<AgentEvent> endsTurn, String name) {
    Path recording = nativeDir.resolve(name + NATIVE_SUFFIX);
    Path golden = goldenDir.resolve(name + GOLDEN_SUFFIX);
    return DynamicContainer.dynamicContainer(name, recording.toUri(), Stream.of(
        DynamicTest.dynamicTest("translates as in its golden file", golden.toUri(),
            () -> harness.assertGolden(recording, golden)),
        DynamicTest.dynamicTest("translates the same however the bytes are split",
            () -> harness.assertResplitInvariant(read(recording))),
        DynamicTest.dynamicTest("turns each garbage line into agent.unparsed and changes nothing else",
            () -> harness.assertGarbageInvariant(read(recording))),
        DynamicTest.dynamicTest("ends its turn when cut anywhere and ended by a crash",
            () -> harness.assertCutInvariant(read(recording), endsTurn)),
        DynamicTest.dynamicTest("ends its turn when complete", () -> {
          List<AgentEvent> events = harness.translate(read(recording));
          assertThat(events).as("translation of %s", recording).isNotEmpty().last().matches(endsTurn,
              "an event that ends the turn");
        }),
        DynamicTest.dynamicTest("understands every line", () ->
            assertThat(harness.translate(read(recording))).as("translation of %s", recording)
                .noneMatch(e -> e.type() == EventType.AGENT_UNPARSED))));
  }

  /**
   * The host's rule for the event that ends a turn: the completion of a {@code turn.completed} or
   * {@code session.idle} status item, {@code session.ended}, {@code error}, and, for an adapter
   * whose {@link AgentAdapter#assistantMessageEndsTurn()} is true, the completion of an assistant
   * message.
   */
  public static Predicate<AgentEvent> endsTurn(boolean assistantMessageEndsTurn) {
    return event -> switch (event.data()) {
      case EventData.SessionEnded ended -> true;
      case EventData.Error error -> true;
      case EventData.ItemCompleted completed -> completesTurn(completed, assistantMessageEndsTurn);
      default -> false;
    };
  }

  private static boolean completesTurn(EventData.ItemCompleted completed, boolean assistantMessageEndsTurn) {
    if (completed.item().kind() == ItemKind.STATUS) {
      return completed.item().content().stream().anyMatch(p -> p instanceof ContentPart.Status s
          && (s.label().equals("turn.completed") || s.label().equals("session.idle")));
    }
    return assistantMessageEndsTurn && completed.item().kind() == ItemKind.MESSAGE
        && completed.item().role() == ItemRole.ASSISTANT;
  }

  /** The names (without {@code suffix}) of the files in {@code dir} ending in {@code suffix}, sorted. */
  private static List<String> names(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix) && n.length() > suffix.length())
          .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
