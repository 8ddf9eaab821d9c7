package dev.sandboxagent.host.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.function.Consumer;

/**
 * The series one session updates, looked up once for its agent and tenant: recording a batch of
 * events is one addition, with no allocation.
 */
public final class SessionMetrics {

  private final CounterDataPoint created;
  private final CounterDataPoint events;
  private final DistributionDataPoint turns;
  private final CounterDataPoint processesStarted;
  private final CounterDataPoint processesCrashed;
  private final CounterDataPoint processesKilled;
  private final Consumer<String> ended;

  SessionMetrics(CounterDataPoint created, CounterDataPoint events, DistributionDataPoint turns,
      CounterDataPoint processesStarted, CounterDataPoint processesCrashed, CounterDataPoint processesKilled,
      Consumer<String> ended) {
    this.created = created;
    this.events = events;
    this.turns = turns;
    this.processesStarted = processesStarted;
    this.processesCrashed = processesCrashed;
    this.processesKilled = processesKilled;
    this.ended = ended;
  }

  /** The session was created (not restored after a restart). */
  public void created() {
    created.inc();
  }

  /** {@code count} events were recorded. */
  public void recorded(int count) {
    if (count > 0) {
      events.inc(count);
    }
  }

  /** A turn ended after {@code nanos}. */
  public void turnEnded(long nanos) {
    turns.observe(nanos / 1e9);
  }

  /** An agent process started. */
  public void processStarted() {
    processesStarted.inc();
  }

  /** An agent process exited: stopped by the daemon, or on its own with {@code success} or not. */
  public void processExited(boolean stoppedByDaemon, boolean success) {
    if (stoppedByDaemon) {
      processesKilled.inc();
    } else if (!success) {
      processesCrashed.inc();
    }
  }

  /** The session ended for {@code reason} ({@code completed}, {@code error}, {@code terminated}). */
  public void ended(String reason) {
    ended.accept(reason);
  }
}
