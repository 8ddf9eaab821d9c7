package dev.sandboxagent.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link TranslationBenchmark} and prints lines per second per agent translator (one thread,
 * so per core), with the events each line gives; writes the table as JSON to
 * {@code -Dbenchmarks.output} (default {@code benchmarks/target/translation.json} in the repository).
 * Arguments are JMH's own options and override the annotations, e.g. {@code -i 10 -r 2s} or
 * {@code -p agent=codex}. Exits with 1 when a benchmark fails, 2 on a bad option.
 */
public final class TranslationBench {

  private TranslationBench() {}

  public static void main(String[] args) throws RunnerException, IOException {
    Options options;
    try {
      options = options(new CommandLineOptions(args));
    } catch (CommandLineOptionException e) {
      System.err.println("bad JMH option: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println("translation benchmarks (JMH; about 10 s per agent with the default iterations)");
    Collection<RunResult> results = new Runner(options).run();
    if (results.isEmpty()) {
      System.err.println("no benchmark ran");
      System.exit(1);
    }
    Path out = Path.of(System.getProperty("benchmarks.output",
        Recordings.root().resolve("benchmarks/target/translation.json").toString()));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, "{\"translation\": [" + String.join(", ", report(results)) + "]}\n");
    System.out.println("written: " + out);
  }

  private static Options options(CommandLineOptions given) {
    OptionsBuilder options = new OptionsBuilder();
    options.parent(given)
        .include(TranslationBenchmark.class.getName())
        // The forks inherit this JVM's flags; the root is added so that wherever they start they
        // read the same recordings.
        .jvmArgsPrepend("-Dbenchmarks.root=" + Recordings.root())
        // A failed fork must fail the command (benchmarks/run's exit status), not drop a row.
        .shouldFailOnError(true);
    if (!given.verbosity().hasValue()) {
      // JMH's per-iteration log would bury the table; -v NORMAL brings it back.
      options.verbosity(VerboseMode.SILENT);
    }
    return options.build();
  }

  /** Prints the table and returns its rows as JSON objects. */
  private static List<String> report(Collection<RunResult> results) {
    System.out.println("translation of recorded agent output (JMH, one thread, lines per second per core)");
    System.out.printf(Locale.ROOT, "  %-10s %7s %12s %14s %10s %12s%n", "agent", "streams", "lines/stream",
        "lines/s", "± (99.9%)", "events/line");
    List<String> json = new ArrayList<>();
    for (RunResult run : results) {
      String agent = run.getParams().getParam("agent");
      List<List<String>> streams = Recordings.streams(agent);
      int lines = streams.stream().mapToInt(List::size).sum();
      Result<?> score = run.getPrimaryResult();
      // One operation translates every line once, so operations per second × lines = lines per second.
      double perSecond = score.getScore() * lines;
      // With two measurement iterations or fewer JMH gives no error estimate (NaN); shown as 0.
      double error = Double.isNaN(score.getScoreError()) ? 0 : score.getScoreError() * lines;
      double perStream = lines / (double) streams.size();
      double eventsPerLine = Recordings.eventCount(agent, streams) / (double) lines;
      System.out.printf(Locale.ROOT, "  %-10s %7d %12.1f %,14.0f %,10.0f %12.2f%n", agent, streams.size(),
          perStream, perSecond, error, eventsPerLine);
      json.add(String.format(Locale.ROOT, "{\"agent\": \"%s\", \"streams\": %d, \"lines\": %d, "
              + "\"linesPerSecond\": %.0f, \"error\": %.0f, \"eventsPerLine\": %.3f}",
          agent, streams.size(), lines, perSecond, error, eventsPerLine));
    }
    return json;
  }
}
