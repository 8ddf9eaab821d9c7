package dev.sandboxagent.host.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HostProcessTest {

  @TempDir Path tmp;

  static final class Recorder implements ProcessListener {
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();
    final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    @Override
    public void stdout(String line) {
      out.add(line);
    }

    @Override
    public void stderr(String line) {
      err.add(line);
    }

    @Override
    public void exited(ExitStatus status) {
      assertThat(exit.isDone()).as("exited is called once").isFalse();
      exit.complete(status);
    }
  }

  private HostProcess sh(String script, Recorder recorder, Map<String, String> env) {
    return HostProcess.start(new ProcessSpec(List.of("/bin/sh", "-c", script), env, null), Map.of("BASE_VAR", "base"),
        tmp, recorder, "test");
  }

  @Test
  void deliversStdoutLinesThenTheExitWithTheStderrTail() throws Exception {
    Recorder r = new Recorder();
    sh("printf 'one\\ntwo\\r\\nthree'; echo oops >&2; echo \"$BASE_VAR $SPEC_VAR $(pwd)\"; exit 3", r,
        Map.of("SPEC_VAR", "spec"));
    ExitStatus status = r.exit.get(20, TimeUnit.SECONDS);

    assertThat(r.out).containsExactly("one", "two", "threebase spec " + tmp.toRealPath());
    assertThat(status.exitCode()).isEqualTo(3);
    assertThat(status.success()).isFalse();
    assertThat(status.stderrTail()).isEqualTo("oops");
    assertThat(r.err).containsExactly("oops");
  }

  @Test
  void writesLinesToStdin() throws Exception {
    Recorder r = new Recorder();
    HostProcess p = sh("cat", r, Map.of());
    p.writeLine("{\"type\":\"user\"}");
    p.writeLine("second ✓");
    p.closeInput();
    assertThat(r.exit.get(20, TimeUnit.SECONDS).success()).isTrue();
    assertThat(r.out).containsExactly("{\"type\":\"user\"}", "second ✓");
    assertThatThrownBy(() -> p.writeLine("late"))
        .isInstanceOf(AgentException.class)
        .extracting(e -> ((AgentException) e).kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED);
  }

  @Test
  void stopTakesDownTheWholeTreeEvenWhenTermIsIgnored() throws Exception {
    Recorder r = new Recorder();
    HostProcess p = sh("trap '' TERM; (trap '' TERM; sleep 300) & sleep 300 & echo started; wait", r, Map.of());
    while (r.out.isEmpty()) {
      Thread.sleep(20);
    }
    List<ProcessHandle> tree = ProcessHandle.of(p.pid()).orElseThrow().descendants().toList();
    assertThat(tree).isNotEmpty();

    p.stop();
    r.exit.get(20, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(tree).noneMatch(ProcessHandle::isAlive);
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void stopAllLeavesNothingRunning() throws Exception {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    sh("sleep 300", a, Map.of());
    sh("trap '' TERM; sleep 300 & wait", b, Map.of());
    HostProcess.stopAll(HostProcess.GRACE);
    a.exit.get(20, TimeUnit.SECONDS);
    b.exit.get(20, TimeUnit.SECONDS);
    assertThat(HostProcess.liveCount()).isZero();
  }

  @Test
  void aMissingProgramIsReportedAsNotInstalled() {
    assertThatThrownBy(() -> HostProcess.start(ProcessSpec.of(List.of(tmp.resolve("nope").toString())), Map.of(), tmp,
        new Recorder(), "missing"))
        .isInstanceOf(AgentException.class)
        .hasMessageStartingWith("cannot start " + tmp.resolve("nope"))
        .extracting(e -> ((AgentException) e).kind()).isEqualTo(AgentException.Kind.NOT_INSTALLED);
  }

  @Test
  void aListenerThatThrowsDoesNotStopDelivery() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    HostProcess.start(ProcessSpec.of(List.of("/bin/sh", "-c", "echo a; echo b")), Map.of(), tmp, new ProcessListener() {
      @Override
      public void stdout(String line) {
        seen.add(line);
        throw new IllegalStateException("plugin bug");
      }

      @Override
      public void exited(ExitStatus status) {
        exit.complete(status);
      }
    }, "throwing");
    assertThat(exit.get(20, TimeUnit.SECONDS).success()).isTrue();
    assertThat(seen).containsExactly("a", "b");
  }
}
