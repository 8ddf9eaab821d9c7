package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Retention: how long the daemon keeps what it no longer needs. Ended sessions whose end is older
 * than the configured retention are removed with their events, from memory and from the store (at
 * start-up {@link SessionRestorer} does the same for the stored ones), and idempotency keys are
 * forgotten {@link IdempotencyKeys#KEPT} after their message. The check runs on a thread of the
 * daemon's own, every minute (more often for a retention shorter than two minutes), and stops when
 * the daemon does.
 */
public final class SessionRetention implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SessionRetention.class.getName());
  private static final Duration LONGEST_PERIOD = Duration.ofMinutes(1);
  private static final Duration SHORTEST_PERIOD = Duration.ofMillis(100);

  private final SessionManager manager;
  private final Duration retention;
  private final ScheduledExecutorService scheduler;

  private SessionRetention(SessionManager manager, Duration retention) {
    this.manager = requireNonNull(manager, "manager is null");
    this.retention = retention;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("session-retention").factory());
  }

  /**
   * Starts checking the sessions of {@code manager} periodically.
   *
   * @param retention how long ended sessions are kept, or null to keep them until deleted
   */
  public static SessionRetention start(SessionManager manager, Duration retention) {
    if (retention != null && !retention.isPositive()) {
      throw new IllegalArgumentException("retention must be positive");
    }
    SessionRetention r = new SessionRetention(manager, retention);
    long period = period(retention).toMillis();
    r.scheduler.scheduleWithFixedDelay(r::sweep, period, period, TimeUnit.MILLISECONDS);
    return r;
  }

  /** Every minute, or half the retention when that is shorter (but not under 100 ms). */
  static Duration period(Duration retention) {
    if (retention == null) {
      return LONGEST_PERIOD;
    }
    Duration half = retention.dividedBy(2);
    return half.compareTo(LONGEST_PERIOD) > 0 ? LONGEST_PERIOD
        : half.compareTo(SHORTEST_PERIOD) < 0 ? SHORTEST_PERIOD : half;
  }

  /** One check: what is past its time is removed. Never throws, so that the next check runs. */
  void sweep() {
    try {
      manager.expireIdempotencyKeys(manager.clock().instant().minus(IdempotencyKeys.KEPT));
      if (retention != null) {
        int removed = manager.removeEndedBefore(manager.clock().instant().minus(retention));
        if (removed > 0) {
          LOG.log(Level.DEBUG, "retention removed {0} ended sessions", removed);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "the retention check failed", e);
    }
  }

  /** Stops the checks; one running finishes first. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
