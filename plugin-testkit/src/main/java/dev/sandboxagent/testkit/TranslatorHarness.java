package dev.sandboxagent.testkit;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.LineDecoder;
import dev.sandboxagent.api.event.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Golden-file harness for an {@link EventTranslator}: feeds native output through the same {@link
 * LineDecoder} the host uses and checks the resulting candidate events.
 *
 * <p>The checks every translator must pass:
 *
 * <ul>
 *   <li>{@link #assertGolden golden}: a native file translates to a checked-in list of events
 *       (rendered one JSON object per line); run with {@code -Dgolden.update=true} to rewrite it;
 *   <li>{@link #assertResplitInvariant re-split}: chunking the bytes differently changes nothing;
 *   <li>{@link #assertCutInvariant cut}: a stream cut after any line, then ended with a failed exit,
 *       ends with a terminal event and never throws;
 *   <li>{@link #assertGarbageInvariant garbage}: garbage lines between the real ones each give an
 *       {@code agent.unparsed} event and change nothing else.
 * </ul>
 */
public final class TranslatorHarness {

  /** Set this system property to {@code true} to rewrite golden files instead of comparing. */
  public static final String UPDATE_PROPERTY = "golden.update";

  /** The exit status used to end a cut stream: the process died with code 1 and a stderr line. */
  public static final ExitStatus CRASH = new ExitStatus(1, null, "agent crashed");

  /** The exit status used to end a complete stream. */
  public static final ExitStatus CLEAN_EXIT = new ExitStatus(0, null, "");

  /** Lines that no agent writes; each must become {@code agent.unparsed}. */
  public static final List<String> GARBAGE = List.of(
      "not json at all",
      "{\"truncated\": ",
      "[1, 2, 3]",
      "42",
      "{\"type\": \"zz-unknown-record\", \"payload\": {}}",
      "\u0000\u0001binary\uFFFD");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<? extends EventTranslator> factory;
  private final ExitStatus endOfStream;

  private TranslatorHarness(Supplier<? extends EventTranslator> factory, ExitStatus endOfStream) {
    this.factory = requireNonNull(factory, "factory is null");
    this.endOfStream = requireNonNull(endOfStream, "endOfStream is null");
  }

  /** A harness making a fresh translator for every run; complete streams end with a clean exit. */
  public static TranslatorHarness of(Supplier<? extends EventTranslator> factory) {
    return new TranslatorHarness(factory, CLEAN_EXIT);
  }

  /** The same harness ending complete streams with {@code status}. */
  public TranslatorHarness endingWith(ExitStatus status) {
    return new TranslatorHarness(factory, status);
  }

  /** Translates {@code input} fed in chunks of {@code chunk} bytes, then ends it with {@code status}. */
  public List<AgentEvent> translate(byte[] input, int chunk, ExitStatus status) {
    EventTranslator translator = factory.get();
    LineDecoder decoder = new LineDecoder();
    List<AgentEvent> events = new ArrayList<>();
    for (int i = 0; i < input.length; i += chunk) {
      for (String line : decoder.feed(input, i, Math.min(chunk, input.length - i))) {
        events.addAll(translateLine(translator, line));
      }
    }
    for (String line : decoder.finish()) {
      events.addAll(translateLine(translator, line));
    }
    events.addAll(requireNonNull(translator.finish(status), "finish returned null"));
    return events;
  }

  /** Translates the whole input in one chunk and ends it as configured. */
  public List<AgentEvent> translate(byte[] input) {
    return translate(input, Math.max(1, input.length), endOfStream);
  }

  /** Translates the lines of a file. */
  public List<AgentEvent> translate(Path nativeFile) {
    return translate(read(nativeFile));
  }

  private static List<AgentEvent> translateLine(EventTranslator translator, String line) {
    List<AgentEvent> out = translator.translate(line);
    if (out == null) {
      fail("translate returned null for line: %s", line);
    }
    return out;
  }

  /**
   * Compares the translation of {@code nativeFile} with {@code expectedFile} (one rendered event per
   * line). With {@code -Dgolden.update=true}, or when the expected file does not exist yet, writes
   * it instead; a missing file then fails the test so that it is reviewed before it is trusted.
   */
  public void assertGolden(Path nativeFile, Path expectedFile) {
    String actual = render(translate(nativeFile));
    boolean update = Boolean.getBoolean(UPDATE_PROPERTY);
    if (update || !Files.exists(expectedFile)) {
      try {
        Files.createDirectories(expectedFile.toAbsolutePath().getParent());
        Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!update) {
        fail("golden file %s did not exist; it has been written, review it and run again", expectedFile);
      }
      return;
    }
    String expected = new String(read(expectedFile), StandardCharsets.UTF_8);
    assertThat(actual).as("translation of %s (rewrite with -D%s=true)", nativeFile, UPDATE_PROPERTY)
        .isEqualTo(expected);
  }

  /** Feeding the bytes in chunks of 1, 2, 3, 5, 7, 64 and random sizes gives the same events. */
  public void assertResplitInvariant(byte[] input) {
    String whole = render(translate(input));
    for (int chunk : new int[] {1, 2, 3, 5, 7, 64, 4096}) {
      assertThat(render(translate(input, chunk, endOfStream))).as("chunks of %d bytes", chunk).isEqualTo(whole);
    }
    Random random = new Random(input.length);
    for (int round = 0; round < 5; round++) {
      assertThat(render(translateRandomly(input, random))).as("random chunks, round %d", round).isEqualTo(whole);
    }
  }

  private List<AgentEvent> translateRandomly(byte[] input, Random random) {
    EventTranslator translator = factory.get();
    LineDecoder decoder = new LineDecoder();
    List<AgentEvent> events = new ArrayList<>();
    int i = 0;
    while (i < input.length) {
      int n = Math.min(input.length - i, 1 + random.nextInt(97));
      for (String line : decoder.feed(input, i, n)) {
        events.addAll(translateLine(translator, line));
      }
      i += n;
    }
    for (String line : decoder.finish()) {
      events.addAll(translateLine(translator, line));
    }
    events.addAll(translator.finish(endOfStream));
    return events;
  }

  /**
   * Cuts the stream after every line (and in the middle of every line), ends it with {@link #CRASH}
   * and checks that the last event satisfies {@code terminal} (for instance: an {@code error} or a
   * turn completion).
   */
  public void assertCutInvariant(byte[] input, Predicate<AgentEvent> terminal) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i < input.length; i++) {
      if (input[i] == '\n') {
        cuts.add(i + 1);
        int lineStart = cuts.size() > 1 ? cuts.get(cuts.size() - 2) : 0;
        cuts.add(lineStart + (i - lineStart) / 2);
      }
    }
    for (int cut : cuts) {
      byte[] prefix = Arrays.copyOf(input, cut);
      List<AgentEvent> events = translate(prefix, Math.max(1, prefix.length), CRASH);
      assertThat(events).as("stream cut at byte %d", cut).isNotEmpty();
      AgentEvent last = events.get(events.size() - 1);
      assertThat(terminal.test(last)).as("stream cut at byte %d ends with %s", cut, renderOne(last)).isTrue();
    }
  }

  /**
   * Inserts every {@link #GARBAGE} line after every real line: each garbage line must give one more
   * {@code agent.unparsed} event, and the other events must be unchanged.
   */
  public void assertGarbageInvariant(byte[] input) {
    List<AgentEvent> clean = translate(input);
    String text = new String(input, StandardCharsets.UTF_8);
    StringBuilder dirty = new StringBuilder();
    int inserted = 0;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      dirty.append(line).append('\n');
      for (String garbage : GARBAGE) {
        dirty.append(garbage).append('\n');
        inserted++;
      }
    }
    List<AgentEvent> noisy = translate(dirty.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(render(withoutUnparsed(noisy))).as("events other than agent.unparsed").isEqualTo(render(withoutUnparsed(clean)));
    assertThat(noisy).filteredOn(e -> e.type() == EventType.AGENT_UNPARSED)
        .as("agent.unparsed events are always synthetic").allMatch(AgentEvent::synthetic);
    assertThat(count(noisy, EventType.AGENT_UNPARSED) - count(clean, EventType.AGENT_UNPARSED))
        .as("agent.unparsed events added by %d garbage lines", inserted)
        .isEqualTo(inserted);
  }

  private static List<AgentEvent> withoutUnparsed(List<AgentEvent> events) {
    return events.stream().filter(e -> e.type() != EventType.AGENT_UNPARSED).toList();
  }

  private static long count(List<AgentEvent> events, EventType type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  /** The {@code .jsonl} files of a directory, sorted by name: the native recordings to test. */
  public static List<String> nativeFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The usual terminal predicate: an {@code error}, or the completion of a status item with one of
   * these labels (e.g. {@code turn.completed}).
   */
  public static Predicate<AgentEvent> errorOrStatus(String... labels) {
    return statusCompletion(labels).or(event -> event.type() == EventType.ERROR);
  }

  /** The completion of a status item with one of these labels. */
  public static Predicate<AgentEvent> statusCompletion(String... labels) {
    List<String> wanted = List.of(labels);
    return event -> event.data() instanceof dev.sandboxagent.api.event.EventData.ItemCompleted c
        && c.item().content().stream().anyMatch(p -> p instanceof dev.sandboxagent.api.event.ContentPart.Status s
            && wanted.contains(s.label()));
  }

  /** Renders events as stable JSON lines: type, synthetic, native session id, data. */
  public static String render(List<AgentEvent> events) {
    StringBuilder out = new StringBuilder();
    for (AgentEvent event : events) {
      out.append(renderOne(event)).append('\n');
    }
    return out.toString();
  }

  private static String renderOne(AgentEvent event) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", event.type().wireName());
    map.put("synthetic", event.synthetic());
    if (event.nativeSessionId() != null) {
      map.put("nativeSessionId", event.nativeSessionId());
    }
    map.put("data", event.data());
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + event, e);
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
