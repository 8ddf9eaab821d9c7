package dev.sandboxagent.benchmarks;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One operation: every recorded stream of an agent through a fresh translator, line by line, as a
 * session feeds its process's stdout (a new translator per stream, its {@code finish} at the end).
 * Lines per second = operations per second × the agent's recorded lines ({@link TranslationBench}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A shared 2-CPU machine is noisy: a few short iterations in one fork, compared within one run.
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// The collector the shipped launcher uses; a fixed heap so that machines compare.
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class TranslationBenchmark {

  static final ExitStatus CLEAN_EXIT = new ExitStatus(0, null, "");

  // One benchmark per agent as a parameter: JMH forks a JVM for each, so every translator is
  // measured alone, its call sites monomorphic as they are in its plugin's session code.
  @Param({"claude", "codex", "opencode", "amp"})
  public String agent;

  private List<List<String>> streams;

  @Setup
  public void load() {
    streams = Recordings.streams(agent);
  }

  @Benchmark
  public int translate(Blackhole hole) {
    int events = 0;
    for (List<String> stream : streams) {
      EventTranslator translator = Recordings.translator(agent);
      for (String line : stream) {
        List<AgentEvent> out = translator.translate(line);
        events += out.size();
        hole.consume(out);
      }
      List<AgentEvent> last = translator.finish(CLEAN_EXIT);
      events += last.size();
      hole.consume(last);
    }
    return events;
  }
}
