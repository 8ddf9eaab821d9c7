package dev.sandboxagent.benchmarks;

import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.plugins.amp.AmpTranslator;
import dev.sandboxagent.plugins.claude.ClaudeTranslator;
import dev.sandboxagent.plugins.codex.CodexTranslator;
import dev.sandboxagent.plugins.opencode.OpenCodeTranslator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real agent output each plugin's golden tests use, and a translator per agent. */
final class Recordings {

  /** The repository root: {@code -Dbenchmarks.root}, else the nearest directory with {@code plugins/}. */
  static Path root() {
    String configured = System.getProperty("benchmarks.root");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("plugins/claude/src/test/resources/native"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find the repository (set -Dbenchmarks.root)");
  }

  private Recordings() {}

  /** A fresh translator, built as the plugin's golden test builds it (its id prefix only names generated ids). */
  static EventTranslator translator(String agent) {
    return switch (agent) {
      case "claude" -> new ClaudeTranslator();
      case "codex" -> new CodexTranslator("");
      case "opencode" -> new OpenCodeTranslator("");
      case "amp" -> new AmpTranslator("t1_");
      default -> throw new IllegalArgumentException("unknown agent " + agent);
    };
  }

  /** Each recording's non-empty lines, in file order. */
  static List<List<String>> streams(String agent) {
    Path dir = root().resolve("plugins").resolve(agent).resolve("src/test/resources/native");
    List<List<String>> streams = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
        streams.add(Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (streams.isEmpty()) {
      throw new IllegalStateException("no recordings in " + dir);
    }
    return streams;
  }

  /**
   * Every event the agent's recordings give, {@code finish} included: the same loop as the
   * benchmark, run once outside JMH for the events-per-line column.
   */
  static int eventCount(String agent, List<List<String>> streams) {
    int events = 0;
    for (List<String> stream : streams) {
      EventTranslator translator = translator(agent);
      for (String line : stream) {
        events += translator.translate(line).size();
      }
      events += translator.finish(TranslationBenchmark.CLEAN_EXIT).size();
    }
    return events;
  }
}
