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
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link TranslationBenchmark} and prints lines per second per agent translator (one thread,
 * so per core), with the events each line gives; writes the table as JSON to the given file
 * (default {@code benchmarks/target/translation.json}).
 */
public final class TranslationBench {

  private TranslationBench() {}

  public static void main(String[] args) throws RunnerException, IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/target/translation.json");
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(TranslationBenchmark.class.getName())
        .jvmArgsPrepend("-Dbenchmarks.root=" + Recordings.root())
        .verbosity(VerboseMode.SILENT)
        .build()).run();
    System.out.println("translation of recorded agent output (JMH, one thread, lines per second per core)");
    System.out.printf(Locale.ROOT, "  %-10s %8s %14s %10s %12s%n", "agent", "lines", "lines/s", "± (99.9%)",
        "events/line");
    List<String> json = new ArrayList<>();
    for (RunResult run : results) {
      String agent = run.getParams().getParam("agent");
      Result<?> score = run.getPrimaryResult();
      int lines = Recordings.lineCount(agent);
      double perSecond = score.getScore() * lines;
      double error = Double.isNaN(score.getScoreError()) ? 0 : score.getScoreError() * lines;
      double eventsPerLine = events(agent) / (double) lines;
      System.out.printf(Locale.ROOT, "  %-10s %8d %,14.0f %,10.0f %12.2f%n", agent, lines, perSecond, error,
          eventsPerLine);
      json.add(String.format(Locale.ROOT,
          "{\"agent\": \"%s\", \"lines\": %d, \"linesPerSecond\": %.0f, \"error\": %.0f, \"eventsPerLine\": %.3f}",
          agent, lines, perSecond, error, eventsPerLine));
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, "{\"translation\": [" + String.join(", ", json) + "]}\n");
    System.out.println("written: " + out);
  }

  private static int events(String agent) {
    TranslationBenchmark benchmark = new TranslationBenchmark();
    benchmark.agent = agent;
    benchmark.load();
    return benchmark.translate(new org.openjdk.jmh.infra.Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
  }
}
