package dev.sandboxagent.host.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The metrics of one daemon, each in its own registry. Counters and histograms are updated where
 * things happen (a session caches the series of its agent and tenant, so recording events costs an
 * addition per batch); everything that is state (running sessions, open streams, the store's and
 * the export's backlog, failed plugins) is read when scraped. Thread-safe.
 */
public final class DaemonMetrics {

  /** The content type of {@link #write}. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** Turns last from milliseconds (the mock) to many minutes (an agent at work). */
  private static final double[] TURN_BOUNDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};
  /** Installs last from a moment (already there) to minutes (a large download). */
  private static final double[] INSTALL_BOUNDS = {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter httpRequests = counter("sandbox_agent_http_requests",
      "HTTP requests answered, by method, route pattern and status", "method", "route", "status");
  private final Counter sessionsCreated = counter("sandbox_agent_sessions_created",
      "sessions created", "agent", "tenant");
  private final Counter sessionsEnded = counter("sandbox_agent_sessions_ended",
      "sessions ended, by how they ended", "agent", "tenant", "reason");
  private final Counter eventsRecorded = counter("sandbox_agent_events_recorded",
      "events recorded in session logs", "agent");
  private final Counter processesStarted = counter("sandbox_agent_agent_processes_started",
      "agent processes started (one per session, or shared by sessions)", "agent");
  private final Counter processesCrashed = counter("sandbox_agent_agent_processes_crashed",
      "agent processes that exited with a failure status without being stopped by the daemon", "agent");
  private final Counter processesKilled = counter("sandbox_agent_agent_processes_killed",
      "agent processes stopped by the daemon (terminate, idle timeout, shutdown)", "agent");
  private final Histogram turnDuration = histogram("sandbox_agent_turn_duration_seconds",
      "time from a message handed to the agent to the end of its turn", TURN_BOUNDS, "agent");
  private final Histogram installDuration = histogram("sandbox_agent_agent_install_duration_seconds",
      "time taken by agent installs that installed something", INSTALL_BOUNDS, "agent");
  private final Counter installFailures = counter("sandbox_agent_agent_install_failures",
      "agent installs that failed", "agent");

  /** Whether the JVM's metrics are still to be registered (at the first scrape): guarded by {@code this}. */
  private boolean jvmPending;

  private DaemonMetrics(boolean jvm) {
    this.jvmPending = jvm;
  }

  /**
   * A registry with the JVM's memory and garbage collection metrics, registered at the first scrape
   * so that the daemon's start does not wait for them.
   */
  public static DaemonMetrics create() {
    return new DaemonMetrics(true);
  }

  /** A registry without the JVM's metrics, for parts used on their own (in tests, say). */
  public static DaemonMetrics standalone() {
    return new DaemonMetrics(false);
  }

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
  }

  private Histogram histogram(String name, String help, double[] bounds, String... labels) {
    return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
        .classicUpperBounds(bounds).withoutExemplars().register(registry);
  }

  /** Counts an answered request; {@code route} is the route pattern, never the raw path. */
  public void httpRequest(String method, String route, int status) {
    httpRequests.labelValues(method, route, Integer.toString(status)).inc();
  }

  /** The series of a session of {@code agent} for {@code tenant} (empty for the daemon's own token). */
  public SessionMetrics session(String agent, String tenant) {
    return new SessionMetrics(sessionsCreated.labelValues(agent, tenant), eventsRecorded.labelValues(agent),
        turnDuration.labelValues(agent), processesStarted.labelValues(agent), processesCrashed.labelValues(agent),
        processesKilled.labelValues(agent), reason -> sessionsEnded.labelValues(agent, tenant, reason).inc());
  }

  /** An install of {@code agent} that installed something, in {@code nanos}. */
  public void installed(String agent, long nanos) {
    installDuration.labelValues(agent).observe(nanos / 1e9);
  }

  /** A failed install of {@code agent}. */
  public void installFailed(String agent) {
    installFailures.labelValues(agent).inc();
  }

  /**
   * A gauge read when scraped.
   *
   * @param value its current value
   */
  public void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(c -> c.call(value.getAsDouble())).register(registry);
  }

  /** The running sessions, by agent and tenant, read when scraped. */
  public void runningSessions(Supplier<Map<AgentTenant, Integer>> running) {
    GaugeWithCallback.builder().name("sandbox_agent_sessions_running").help("sessions that have not ended")
        .labelNames("agent", "tenant")
        .callback(c -> running.get().forEach((key, count) -> c.call(count, key.agent(), key.tenant())))
        .register(registry);
  }

  /** A counter kept elsewhere, read when scraped. */
  public void counter(String name, String help, DoubleSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(c -> c.call(value.getAsDouble())).register(registry);
  }

  /** Writes every metric in the Prometheus text format (version 0.0.4). */
  public void write(OutputStream out) throws IOException {
    synchronized (this) {
      if (jvmPending) {
        jvmPending = false;
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
      }
    }
    writer.write(out, registry.scrape());
  }
}
