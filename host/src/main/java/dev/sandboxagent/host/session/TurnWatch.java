package dev.sandboxagent.host.session;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Counts a session's open turns and tells when one has gone idle. A turn opens when a message is
 * handed to the agent and closes at its end ({@link TurnRule}), or when the agent process serving it
 * exits or is stopped. Each of the session's agent processes ({@link AgentOutput}) owns the turns it
 * serves: one waiting when it starts (the message it was started for) and each one opened while it
 * runs with its stdin open (a message written to it), so that a process that exits ends only its
 * own turns. Each turn's duration goes to a listener when it ends (turns end in the order they
 * opened). Thread-safe.
 */
final class TurnWatch {

  private final Duration idleTimeout;
  private final LongConsumer turnEnded;
  /** When each open turn opened ({@link System#nanoTime()}), oldest first: {@link #open} of them. */
  private final ArrayDeque<Long> openedAt = new ArrayDeque<>();
  private int open;
  /** Open turns no process owns yet (at most {@link #open}). */
  private int unowned;
  private long lastActivity = System.nanoTime();
  private boolean watching;

  /** @param idleTimeout how long a turn may yield nothing, or null to never end one for it */
  TurnWatch(Duration idleTimeout) {
    this(idleTimeout, nanos -> { });
  }

  /**
   * @param idleTimeout how long a turn may yield nothing, or null to never end one for it
   * @param turnEnded told how long each turn lasted (nanoseconds) when it ends
   */
  TurnWatch(Duration idleTimeout, LongConsumer turnEnded) {
    this.idleTimeout = idleTimeout;
    this.turnEnded = turnEnded;
  }

  /**
   * The idle timeout of an agent: {@code SANDBOX_AGENT_<ID>_IDLE_TIMEOUT} (seconds) as {@code
   * variables} gives it, if set and valid, else {@code declared}.
   */
  static Duration idleTimeout(String agentId, Duration declared, Function<String, String> variables) {
    String value = variables.apply(idleTimeoutVariable(agentId));
    if (value == null) {
      return declared;
    }
    try {
      double seconds = Double.parseDouble(value.strip());
      return seconds > 0 && seconds < 1e9 ? Duration.ofMillis(Math.max(1, (long) (seconds * 1000))) : declared;
    } catch (NumberFormatException e) {
      return declared;
    }
  }

  /** The variable that overrides an agent's idle timeout. */
  static String idleTimeoutVariable(String agentId) {
    return "SANDBOX_AGENT_" + agentId.toUpperCase(Locale.ROOT).replace('-', '_') + "_IDLE_TIMEOUT";
  }

  /**
   * A message is being handed over: a turn opens, owned by the running processes with open stdin
   * (it is written to them) or else by the next process to start. Returns whether a watch must be
   * started for it.
   */
  synchronized boolean opening(Iterable<AgentOutput> processes) {
    open++;
    lastActivity = System.nanoTime();
    openedAt.addLast(lastActivity);
    boolean owned = false;
    for (AgentOutput process : processes) {
      if (process.takesInput()) {
        process.owned++;
        owned = true;
      }
    }
    if (!owned) {
      unowned++;
    }
    if (idleTimeout != null && !watching) {
      watching = true;
      return true;
    }
    return false;
  }

  /** The message of the last {@link #opening} was not handed over after all. */
  synchronized void abandoned(Iterable<AgentOutput> processes) {
    open = Math.max(0, open - 1);
    openedAt.pollLast();
    boolean owned = false;
    for (AgentOutput process : processes) {
      if (process.takesInput() && process.owned > process.ended) {
        process.owned--;
        owned = true;
      }
    }
    if (!owned) {
      unowned = Math.max(0, unowned - 1);
    }
    unowned = Math.min(unowned, open);
  }

  /** A process starts: it owns the oldest turn no process owns. */
  synchronized void started(AgentOutput process) {
    if (unowned > 0) {
      unowned--;
      process.owned++;
    }
  }

  /** The agent showed a sign of life. */
  synchronized void activity() {
    lastActivity = System.nanoTime();
  }

  /** Events were recorded, {@code closed} of them ends of turns, produced by {@code process} or null. */
  synchronized void recorded(int closed, AgentOutput process) {
    lastActivity = System.nanoTime();
    if (closed > 0) {
      open = Math.max(0, open - closed);
      ended(lastActivity);
      unowned = Math.min(unowned, open);
      if (process != null) {
        process.ended += closed;
      }
    }
  }

  /** The turns {@code process} owns and has not ended; they end now, as it has exited. */
  synchronized int release(AgentOutput process) {
    int remaining = Math.max(0, process.owned - process.ended);
    process.ended = process.owned;
    open = Math.max(0, open - remaining);
    ended(System.nanoTime());
    unowned = Math.min(unowned, open);
    return remaining;
  }

  /** Every open turn ends (stopped for idleness). */
  synchronized void reset() {
    open = 0;
    unowned = 0;
    ended(System.nanoTime());
  }

  /** The turns beyond the open ones have ended at {@code now}: their durations are reported. */
  private void ended(long now) {
    while (openedAt.size() > open) {
      turnEnded.accept(now - openedAt.pollFirst());
    }
  }

  /** The number of open turns. */
  synchronized int open() {
    return open;
  }

  /**
   * Waits while a turn is open: returns false when none is, true when one has yielded nothing for
   * the idle timeout while {@code waitingForUser} was false (the caller then ends it). Run by one
   * watcher at a time, the one {@link #opening} asked for.
   */
  boolean awaitIdle(BooleanSupplier waitingForUser) throws InterruptedException {
    long timeout = idleTimeout.toNanos();
    while (true) {
      // asked outside this object's lock: it takes the session's recording lock
      boolean waiting = waitingForUser.getAsBoolean();
      long wait;
      synchronized (this) {
        if (open == 0) {
          watching = false;
          return false;
        }
        long idle = System.nanoTime() - lastActivity;
        if (waiting) {
          lastActivity = System.nanoTime();
          wait = timeout;
        } else if (idle >= timeout) {
          watching = false;
          return true;
        } else {
          wait = timeout - idle;
        }
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(wait, waiting ? TimeUnit.SECONDS.toNanos(1) : wait));
    }
  }

  /** The watcher was interrupted (the session closes). */
  synchronized void stopped() {
    watching = false;
  }

  /** The idle timeout in words: {@code 660 s}, {@code 0.3 s}. */
  String describeTimeout() {
    long millis = idleTimeout.toMillis();
    return (millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0)) + " s";
  }
}
