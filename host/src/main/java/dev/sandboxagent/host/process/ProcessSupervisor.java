package dev.sandboxagent.host.process;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processes of one daemon, in scopes: one per session and one for the servers sessions share.
 * Markers nest ({@code <daemon>:<scope>:<process>}, the daemon part being this JVM's pid and an
 * instance number), so that shutdown finds every process the daemon started, re-parented and
 * double-forked ones too, and a session's stop finds only its own.
 */
public final class ProcessSupervisor {

  private static final System.Logger LOG = System.getLogger(ProcessSupervisor.class.getName());
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final String marker;
  private final AtomicLong scopes = new AtomicLong();
  private final Set<HostProcess> live = ConcurrentHashMap.newKeySet();
  private final Set<Thread> sharedTasks = ConcurrentHashMap.newKeySet();
  private final ProcessScope shared;
  private volatile boolean shutDown;

  private ProcessSupervisor(String marker) {
    this.marker = marker;
    this.shared = new ProcessScope(this, marker + ":shared");
  }

  /** A supervisor with a marker of its own. */
  public static ProcessSupervisor create() {
    return new ProcessSupervisor(ProcessHandle.current().pid() + "." + INSTANCES.incrementAndGet());
  }

  /** The marker every process of this daemon carries (or one beneath it). */
  public String marker() {
    return marker;
  }

  /** A new scope, for one session's processes. */
  public ProcessScope newScope() {
    return new ProcessScope(this, marker + ":s" + scopes.incrementAndGet());
  }

  /** The scope of the servers shared by sessions; stopped at shutdown. */
  public ProcessScope shared() {
    return shared;
  }

  /**
   * Runs {@code task} on a thread of the daemon's shared scope, interrupted at {@link #shutdown}; an
   * exception escaping it is logged.
   */
  public void runShared(String name, Runnable task) {
    if (shutDown) {
      return;
    }
    Thread thread = Thread.ofVirtual().name("shared-" + name).unstarted(() -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.ERROR, "shared task " + name + " failed", e);
      } finally {
        sharedTasks.remove(Thread.currentThread());
      }
    });
    sharedTasks.add(thread);
    thread.start();
    if (shutDown) {
      thread.interrupt();
    }
  }

  /** How many shared tasks are running (for tests and diagnostics). */
  public int sharedTaskCount() {
    return sharedTasks.size();
  }

  void track(HostProcess process) {
    live.add(process);
  }

  void untrack(HostProcess process) {
    live.remove(process);
  }

  boolean isShutDown() {
    return shutDown;
  }

  /** How many processes are running (for tests and diagnostics). */
  public int liveCount() {
    return live.size();
  }

  /**
   * Stops every process the daemon runs, then whatever else carries its marker: a termination
   * signal, {@code grace} to exit, then a kill. Blocks until nothing with the marker is left (or the
   * kill rounds are exhausted). Later starts are stopped at once.
   */
  public void shutdown(Duration grace) {
    shutDown = true;
    sharedTasks.forEach(Thread::interrupt);
    List<HostProcess> all = List.copyOf(live);
    all.forEach(HostProcess::stop);
    all.forEach(p -> p.stopAndWait(grace.plus(HostProcess.GRACE)));
    ProcessSweep.takeDown("daemon shutdown", () -> ProcessSweep.marked(marker), grace);
  }
}
