package dev.sandboxagent.host.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session's append-only event log. Sequences are dense from 1, so the event with sequence
 * {@code n} sits at index {@code n - 1}. Readers never hold a buffer of their own: each one keeps
 * only its position and is served from the log, so a slow reader loses nothing and costs nothing
 * to others.
 */
public final class EventLog {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final ArrayList<RecordedEvent> events = new ArrayList<>();
  private boolean sealed;
  private boolean closed;

  /** Appends events whose sequences continue the log. Ignored once sealed. */
  void append(List<RecordedEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      if (sealed) {
        return;
      }
      events.addAll(batch);
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Appends a last batch and refuses everything after it. */
  void appendAndSeal(List<RecordedEvent> batch) {
    lock.lock();
    try {
      if (!sealed) {
        events.addAll(batch);
        sealed = true;
      }
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting reader for good: the daemon is stopping. */
  void close() {
    lock.lock();
    try {
      closed = true;
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The number of events, which is also the last sequence. */
  public long size() {
    lock.lock();
    try {
      return events.size();
    } finally {
      lock.unlock();
    }
  }

  /** Up to {@code limit} events with a sequence greater than {@code after}. */
  public List<RecordedEvent> after(long after, long limit) {
    lock.lock();
    try {
      return slice(after, limit);
    } finally {
      lock.unlock();
    }
  }

  private List<RecordedEvent> slice(long after, long limit) {
    int from = (int) Math.min(Math.max(after, 0), events.size());
    int to = (int) Math.min(events.size(), from + Math.min(limit, Integer.MAX_VALUE));
    return from >= to ? List.of() : List.copyOf(events.subList(from, to));
  }

  /**
   * Waits until events with a sequence greater than {@code after} exist, the log is sealed or
   * closed, or the timeout passes; then returns what there is (possibly nothing).
   */
  public Read await(long after, long timeout, TimeUnit unit) throws InterruptedException {
    return await(after, timeout, unit, true);
  }

  /**
   * Like {@link #await(long, long, TimeUnit)}, but an ended session does not cut the wait short: it
   * returns when events exist, the log is closed or the timeout passes. For readers that stay after
   * the session has ended.
   */
  public Read awaitFollowing(long after, long timeout, TimeUnit unit) throws InterruptedException {
    return await(after, timeout, unit, false);
  }

  private Read await(long after, long timeout, TimeUnit unit, boolean untilSealed) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (events.size() <= after && !(untilSealed && sealed) && !closed && nanos > 0) {
        nanos = appended.awaitNanos(nanos);
      }
      return new Read(slice(after, 4096), sealed, closed);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The result of {@link #await}.
   *
   * @param events the new events (at most a bounded number per call)
   * @param sealed the session has ended: nothing will follow what the log holds
   * @param closed the daemon is stopping
   */
  public record Read(List<RecordedEvent> events, boolean sealed, boolean closed) {}
}
