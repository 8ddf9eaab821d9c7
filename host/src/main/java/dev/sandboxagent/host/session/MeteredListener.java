package dev.sandboxagent.host.session;

import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.host.metrics.SessionMetrics;
import dev.sandboxagent.host.process.HostProcess;

/**
 * The listener of a process a session starts (its agent's, or a server shared by sessions): counts
 * its start and how it exited, then passes everything on.
 */
final class MeteredListener implements ProcessListener {

  private final ProcessListener delegate;
  private final SessionMetrics metrics;
  private volatile HostProcess process;

  MeteredListener(ProcessListener delegate, SessionMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  /** The process has started. */
  void started(HostProcess started) {
    process = started;
    metrics.processStarted();
  }

  @Override
  public void stdout(String line) {
    delegate.stdout(line);
  }

  @Override
  public void stderr(String line) {
    delegate.stderr(line);
  }

  @Override
  public void exited(ExitStatus status) {
    HostProcess p = process;
    metrics.processExited(p != null && p.stoppedByHost(), status.success());
    delegate.exited(status);
  }
}
