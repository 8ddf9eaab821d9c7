package dev.sandboxagent.host.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HostProcessTest {

  @TempDir Path tmp;
  final ProcessSupervisor supervisor = ProcessSupervisor.create();
  final ProcessScope scope = supervisor.newScope();

  @AfterEach
  void stopEverything() {
    supervisor.shutdown(HostProcess.GRACE);
  }

  static class Recorder implements ProcessListener {
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
    return sh(scope, script, recorder, env);
  }

  private HostProcess sh(ProcessScope in, String script, Recorder recorder, Map<String, String> env) {
    return in.start(new ProcessSpec(List.of("/bin/sh", "-c", script), env, null), Map.of("BASE_VAR", "base"),
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
  void shutdownLeavesNothingRunning() throws Exception {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    sh("sleep 300", a, Map.of());
    sh("trap '' TERM; sleep 300 & wait", b, Map.of());
    supervisor.shutdown(HostProcess.GRACE);
    a.exit.get(20, TimeUnit.SECONDS);
    b.exit.get(20, TimeUnit.SECONDS);
    assertThat(supervisor.liveCount()).isZero();
  }

  @Test
  void aMissingProgramIsReportedAsNotInstalled() {
    assertThatThrownBy(() -> scope.start(ProcessSpec.of(List.of(tmp.resolve("nope").toString())), Map.of(), tmp,
        new Recorder(), "missing"))
        .isInstanceOf(AgentException.class)
        .hasMessageStartingWith("cannot start " + tmp.resolve("nope"))
        .extracting(e -> ((AgentException) e).kind()).isEqualTo(AgentException.Kind.NOT_INSTALLED);
  }

  @Test
  void programsAreFoundOnThePathAndRelativeToTheWorkingDirectory() throws Exception {
    Path script = tmp.resolve("hello.sh");
    Files.writeString(script, "#!/bin/sh\necho \"hello $1\"\n");
    assertThatThrownBy(() -> scope.start(ProcessSpec.of(List.of("./hello.sh")), Map.of(), tmp, new Recorder(), "x"))
        .isInstanceOf(AgentException.class)
        .extracting(e -> ((AgentException) e).kind()).isEqualTo(AgentException.Kind.NOT_INSTALLED);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Recorder relative = new Recorder();
    Recorder onPath = new Recorder();

    scope.start(ProcessSpec.of(List.of("./hello.sh", "there")), Map.of(), tmp, relative, "relative");
    scope.start(ProcessSpec.of(List.of("sh", "-c", "echo found")), Map.of(), tmp, onPath, "path");

    assertThat(relative.exit.get(20, TimeUnit.SECONDS).success()).isTrue();
    assertThat(relative.out).containsExactly("hello there");
    assertThat(onPath.exit.get(20, TimeUnit.SECONDS).success()).isTrue();
    assertThat(onPath.out).containsExactly("found");
  }

  @Test
  void aListenerThatThrowsDoesNotStopDelivery() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    scope.start(ProcessSpec.of(List.of("/bin/sh", "-c", "echo a; echo b")), Map.of(), tmp, new ProcessListener() {
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

  private static List<Long> pids(List<String> lines) {
    return lines.stream().filter(l -> l.matches("\\d+")).map(Long::parseLong).toList();
  }

  private static void awaitLine(Recorder r, String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!r.out.contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(r.out).contains(line);
  }

  @Test
  void theProgramLeadsASessionOfItsOwnUnderItsOwnPid() throws Exception {
    Recorder r = new Recorder();
    HostProcess p = sh("set -- $(cat /proc/$$/stat); echo \"$1 $5 $6\"", r, Map.of());
    r.exit.get(20, TimeUnit.SECONDS);
    assertThat(r.out).containsExactly(p.pid() + " " + p.pid() + " " + p.pid());
  }

  @Test
  void anExitIsDeliveredWhileAChildStillHoldsStdoutAndTheChildIsStopped() throws Exception {
    Recorder r = new Recorder();
    HostProcess p = sh("sh -c 'trap \"\" TERM; exec sleep 600' & echo $!; echo init; sleep 1; exit 5", r, Map.of());

    ExitStatus status = r.exit.get(15, TimeUnit.SECONDS);

    assertThat(status.exitCode()).isEqualTo(5);
    assertThat(r.out).hasSize(2).endsWith("init");
    ProcTable.awaitGone(pids(r.out), p.marker());
  }

  @Test
  void aChildHoldingStdoutWithAClearedEnvironmentIsFoundByItsProcessGroup() throws Exception {
    Recorder r = new Recorder();
    sh("env -i /bin/sh -c 'trap \"\" TERM; exec sleep 600' & echo $!; exit 5", r, Map.of());

    assertThat(r.exit.get(15, TimeUnit.SECONDS).exitCode()).isEqualTo(5);
    ProcTable.awaitGone(pids(r.out));
  }

  /**
   * The JDK closes a process's stdout pipe on its side once the process has exited and what was
   * buffered is read, unless a read is under way at that moment: a listener still busy with the
   * last line when the exit comes makes that happen every time, and the reader then sees the end of
   * the stream although the child still holds it.
   */
  @Test
  void aChildHoldingStdoutIsStoppedWhenTheJdkHasClosedThePipeOnItsSide() throws Exception {
    Recorder r = new Recorder() {
      @Override
      public void stdout(String line) {
        super.stdout(line);
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    sh("env -i /bin/sh -c 'trap \"\" TERM; exec sleep 600' & echo $!; exit 5", r, Map.of());

    assertThat(r.exit.get(15, TimeUnit.SECONDS).exitCode()).isEqualTo(5);
    ProcTable.awaitGone(pids(r.out));
  }

  /**
   * Starts {@code script} with the threads that read its output starting late: long after a short
   * script would have exited, had it not waited for them.
   */
  private HostProcess startReadingLate(String script, Recorder recorder) {
    ThreadFactory late = task -> Thread.ofVirtual().unstarted(() -> {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      task.run();
    });
    return HostProcess.start(new ProcessSpec(List.of("/bin/sh", "-c", script), Map.of(), null), Map.of(), tmp,
        recorder, "late", scope.marker() + ":late", p -> { }, late);
  }

  @Test
  void aChildHoldingStdoutIsStoppedWhenTheOutputIsReadLate() throws Exception {
    Recorder r = new Recorder();
    startReadingLate("env -i /bin/sh -c 'trap \"\" TERM; exec sleep 600' & echo $!; exit 5", r);

    assertThat(r.exit.get(20, TimeUnit.SECONDS).exitCode()).isEqualTo(5);
    assertThat(r.out).hasSize(1);
    ProcTable.awaitGone(pids(r.out));
  }

  @Test
  void aChildNotHoldingStdoutOutlivesItsParentWhenTheOutputIsReadLate() throws Exception {
    Recorder r = new Recorder();
    startReadingLate("sleep 600 >/dev/null 2>&1 & echo $!; exit 5", r);

    assertThat(r.exit.get(20, TimeUnit.SECONDS).exitCode()).isEqualTo(5);
    assertThat(pids(r.out)).hasSize(1).allMatch(ProcTable::running);
    pids(r.out).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    ProcTable.awaitGone(pids(r.out));
  }

  @Test
  void linesWrittenJustBeforeTheExitAreDeliveredBeforeIt() throws Exception {
    Recorder r = new Recorder();
    sh("sleep 600 & i=0; while [ $i -lt 500 ]; do echo line$i; i=$((i+1)); done; exit 7", r, Map.of());

    assertThat(r.exit.get(15, TimeUnit.SECONDS).exitCode()).isEqualTo(7);
    assertThat(r.out).hasSize(500).startsWith("line0").endsWith("line499");
  }

  @Test
  void stopTakesDownDoubleForkedNohupAndSetsidChildren() throws Exception {
    Recorder r = new Recorder();
    HostProcess p = sh("""
        (sleep 600 >/dev/null 2>&1 & echo $!)
        nohup sleep 600 >/dev/null 2>&1 & echo $!
        setsid sleep 600 >/dev/null 2>&1 & echo $!
        (env -i sleep 600 >/dev/null 2>&1 & echo $!)
        echo started
        exec sleep 600
        """, r, Map.of());
    awaitLine(r, "started");
    List<Long> children = pids(r.out);
    assertThat(children).hasSize(4).allMatch(ProcTable::running);
    // /proc shows no environment for a process in the middle of an exec: ask until each has done its own
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcTable.carrying(p.marker()).size() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ProcTable.carrying(p.marker())).hasSizeGreaterThanOrEqualTo(4);

    p.stop();

    r.exit.get(20, TimeUnit.SECONDS);
    ProcTable.awaitGone(children, p.marker());
  }

  @Test
  void stoppingAScopeTakesDownWhatItsProcessesLeftBehindButNotAnotherScopes() throws Exception {
    ProcessScope other = supervisor.newScope();
    Recorder mine = new Recorder();
    Recorder theirs = new Recorder();
    sh(scope, "(sleep 600 >/dev/null 2>&1 & echo $!)", mine, Map.of());
    sh(other, "(sleep 600 >/dev/null 2>&1 & echo $!)", theirs, Map.of());
    assertThat(mine.exit.get(20, TimeUnit.SECONDS).success()).isTrue();
    assertThat(theirs.exit.get(20, TimeUnit.SECONDS).success()).isTrue();
    long left = pids(mine.out).get(0);
    long othersLeft = pids(theirs.out).get(0);
    assertThat(ProcTable.running(left)).isTrue();

    scope.stopAndWait(Duration.ofSeconds(20));

    ProcTable.awaitGone(List.of(left), scope.marker());
    assertThat(ProcTable.running(othersLeft)).isTrue();
    assertThat(ProcTable.carrying(other.marker())).containsExactly(othersLeft);
    assertThatThrownBy(() -> sh(scope, "true", new Recorder(), Map.of()))
        .isInstanceOf(AgentException.class)
        .extracting(e -> ((AgentException) e).kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED);
  }

  @Test
  void shutdownTakesDownEveryScopeAndTheSharedOnesButNotAnotherDaemons() throws Exception {
    ProcessSupervisor otherDaemon = ProcessSupervisor.create();
    try {
      Recorder a = new Recorder();
      Recorder b = new Recorder();
      Recorder shared = new Recorder();
      Recorder foreign = new Recorder();
      sh(scope, "(trap '' TERM; sleep 600 >/dev/null 2>&1 & echo $!)", a, Map.of());
      sh(supervisor.newScope(), "trap '' TERM; sleep 600 & echo started; wait", b, Map.of());
      sh(supervisor.shared(), "(sleep 600 >/dev/null 2>&1 &); echo started; exec sleep 600", shared, Map.of());
      sh(otherDaemon.newScope(), "(sleep 600 >/dev/null 2>&1 & echo $!)", foreign, Map.of());
      a.exit.get(20, TimeUnit.SECONDS);
      foreign.exit.get(20, TimeUnit.SECONDS);
      awaitLine(b, "started");
      awaitLine(shared, "started");
      assertThat(ProcTable.carrying(supervisor.marker())).hasSizeGreaterThanOrEqualTo(5);

      supervisor.shutdown(HostProcess.GRACE);

      assertThat(ProcTable.carrying(supervisor.marker())).isEmpty();
      assertThat(pids(a.out)).noneMatch(ProcTable::running);
      assertThat(supervisor.liveCount()).isZero();
      assertThat(ProcTable.carrying(otherDaemon.marker())).containsExactlyElementsOf(pids(foreign.out));
    } finally {
      otherDaemon.shutdown(HostProcess.GRACE);
    }
    assertThat(ProcTable.carrying(otherDaemon.marker())).isEmpty();
  }
}
