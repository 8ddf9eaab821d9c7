package dev.sandboxagent.host.process;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processes of one owner (a session, or the servers shared by sessions): each started with a
 * marker beneath the scope's own, so that stopping the scope finds everything they started, even
 * what was re-parented after its parent exited.
 */
public final class ProcessScope {

  private final ProcessSupervisor supervisor;
  private final String marker;
  private final Set<HostProcess> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong started = new AtomicLong();
  private volatile boolean stopped;
  private volatile Thread sweeper;

  ProcessScope(ProcessSupervisor supervisor, String marker) {
    this.supervisor = requireNonNull(supervisor, "supervisor is null");
    this.marker = requireNonNull(marker, "marker is null");
  }

  /** The marker every process of this scope carries (or one beneath it). */
  public String marker() {
    return marker;
  }

  /**
   * Starts {@code spec}: the daemon's environment, then {@code baseEnvironment}, then the spec's own
   * variables (null removes one).
   *
   * @throws AgentException {@code NOT_INSTALLED} when the program cannot be started, {@code
   *     PROCESS_EXITED} when the scope has been stopped
   */
  public HostProcess start(ProcessSpec spec, Map<String, String> baseEnvironment, Path defaultDirectory,
      ProcessListener listener, String name) {
    if (stopped || supervisor.isShutDown()) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, name + ": its owner has been stopped");
    }
    String processMarker = marker + ":" + started.incrementAndGet();
    HostProcess process = HostProcess.start(spec, baseEnvironment, defaultDirectory, listener, name, processMarker,
        this::gone);
    live.add(process);
    supervisor.track(process);
    if (stopped || supervisor.isShutDown()) {
      process.stop();
    }
    return process;
  }

  private void gone(HostProcess process) {
    live.remove(process);
    supervisor.untrack(process);
  }

  /** How many of this scope's processes are running (for tests and diagnostics). */
  public int liveCount() {
    return live.size();
  }

  /**
   * Stops every process of the scope and, once they are down, whatever else carries the scope's
   * marker. Returns at once; later starts are refused. Idempotent.
   */
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    List<HostProcess> processes = List.copyOf(live);
    processes.forEach(HostProcess::stop);
    if (started.get() > 0) {
      sweeper = Thread.ofVirtual().name("sweep-" + marker).start(() -> {
        processes.forEach(p -> p.stopAndWait(HostProcess.GRACE.multipliedBy(3)));
        ProcessSweep.takeDown(marker, () -> ProcessSweep.marked(marker), HostProcess.GRACE);
      });
    }
  }

  /** Stops the scope and waits until nothing carrying its marker is left, or {@code limit} has passed. */
  public void stopAndWait(Duration limit) {
    stop();
    Thread t = sweeper;
    if (t != null) {
      try {
        t.join(limit);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
