package dev.sandboxagent.host.export;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.host.store.ExportReader;
import dev.sandboxagent.host.store.ExportReader.Candidate;
import dev.sandboxagent.host.store.SqliteStore;
import dev.sandboxagent.host.store.StoredEnding;
import dev.sandboxagent.host.store.StoredEvent;
import dev.sandboxagent.host.store.StoredSession;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports every stored session and its events to a {@link PostgresSink}, on a thread of the
 * daemon's own. It reads from the local store, so what is exported is what is durable: per session
 * in sequence order, in batches of up to {@value #MAX_BATCH} events, each batch one transaction
 * of idempotent upserts (a row already there is left as it is), after which the position is stored
 * locally. Delivery is at least once: a batch whose position was not stored yet is sent again and
 * changes nothing. While the sink cannot be reached, nothing is lost: the export retries with a
 * growing pause and catches up, after a daemon restart too.
 */
public final class EventExport implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(EventExport.class.getName());
  static final int MAX_BATCH = 1000;
  private static final Duration IDLE_POLL = Duration.ofMillis(200);
  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final Duration LAST_RETRY = Duration.ofSeconds(10);
  private static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

  private static final String UPSERT_SESSION = "INSERT INTO sessions (daemon_id, tenant, session_id, agent, agent_mode,"
      + " permission_mode, model, variant, native_session_id, created_at, ended_at, end_reason, terminated_by,"
      + " exit_code, end_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (daemon_id, tenant, session_id) DO UPDATE SET native_session_id = EXCLUDED.native_session_id,"
      + " ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason, terminated_by = EXCLUDED.terminated_by,"
      + " exit_code = EXCLUDED.exit_code, end_message = EXCLUDED.end_message";
  private static final String INSERT_EVENT = "INSERT INTO events (daemon_id, tenant, session_id, sequence, event)"
      + " VALUES (?, ?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING";

  /** How far one session is exported, as this exporter knows it. */
  private record Position(long sequence, boolean end) {}

  private final PostgresSink sink;
  private final SqliteStore store;
  private final Clock clock;
  private final Thread thread;
  private final Object monitor = new Object();
  private final Map<List<String>, Position> positions = new HashMap<>();
  private volatile boolean connected;
  private volatile long lag;
  /** When the export fell behind ({@link System#nanoTime()}): meaningful only while {@link #lag} is above 0. */
  private volatile long behindSince;
  private volatile long exported;
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  private boolean closing;

  private EventExport(PostgresSink sink, SqliteStore store, Clock clock) {
    this.sink = requireNonNull(sink, "sink is null");
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.thread = Thread.ofPlatform().daemon().name("event-export").unstarted(this::run);
  }

  /** Starts exporting what {@code store} holds, and what it will hold, to {@code sink}. */
  public static EventExport start(PostgresSink sink, SqliteStore store, Clock clock) {
    EventExport export = new EventExport(sink, store, clock);
    export.thread.start();
    return export;
  }

  /** The export's state now. */
  public ExportStatus status() {
    long waiting = lag;
    Duration behind = waiting == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - behindSince));
    return new ExportStatus(connected, waiting, exported, lastError, lastErrorAt, behind);
  }

  private void run() {
    String daemonId;
    try {
      daemonId = store.daemonId();
    } catch (RuntimeException e) {
      failed(e.getMessage());
      return;
    }
    Duration retry = FIRST_RETRY;
    ExportReader reader = null;
    Connection target = null;
    // Whether the store must be looked at again even if nothing was committed to it since.
    boolean dirty = true;
    long lastCheck = System.nanoTime();
    List<Candidate> pending = List.of();
    while (!isClosing()) {
      try {
        if (reader == null) {
          reader = ExportReader.open(store);
        }
        // The lag is known even while the sink is away.
        if (dirty || reader.changed()) {
          pending = pending(reader);
          dirty = !pending.isEmpty();
        }
        if (target == null) {
          target = sink.connect();
          connected = true;
          lastCheck = System.nanoTime();
          LOG.log(Level.INFO, "exporting events to " + sink);
        }
        if (dirty) {
          dirty = exportBatch(reader, target, daemonId, pending);
        } else if (System.nanoTime() - lastCheck > CHECK_INTERVAL.toNanos()) {
          // An idle connection is checked now and then, so that the health shows a lost sink.
          lastCheck = System.nanoTime();
          if (!target.isValid((int) CHECK_INTERVAL.toSeconds())) {
            throw new SQLException("the connection to the event sink was lost");
          }
        }
        retry = FIRST_RETRY;
        if (!dirty) {
          pause(IDLE_POLL);
        }
      } catch (SQLException | RuntimeException e) {
        connected = false;
        dirty = true;
        if (lastError == null || !lastError.equals(e.getMessage())) {
          LOG.log(Level.WARNING, "exporting events to " + sink + " failed; retrying: " + e.getMessage());
        }
        failed(e.getMessage());
        target = closeQuietly(target);
        pause(retry);
        retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
      }
    }
    closeQuietly(target);
    if (reader != null) {
      reader.close();
    }
    connected = false;
  }

  /** Notes how many stored events wait, and since when the export has been behind. */
  private void lag(long waiting) {
    if (waiting > 0 && lag == 0) {
      behindSince = System.nanoTime();
    }
    lag = waiting;
  }

  private void failed(String message) {
    lastError = message == null ? "unknown failure" : message;
    lastErrorAt = clock.instant();
  }

  /**
   * The sessions with events or an ending not exported yet, in the order they were created; notes
   * how many events wait, and forgets the positions of sessions no longer stored.
   */
  private List<Candidate> pending(ExportReader reader) throws SQLException {
    List<Candidate> candidates = reader.candidates();
    Map<List<String>, Position> current = new HashMap<>();
    long waiting = 0;
    List<Candidate> pending = new ArrayList<>();
    for (Candidate c : candidates) {
      List<String> key = List.of(c.session().tenant(), c.session().id());
      Position known = positions.get(key);
      Position position = new Position(Math.max(c.exportedSequence(), known == null ? 0 : known.sequence()),
          c.endExported() || (known != null && known.end()));
      current.put(key, position);
      long behind = Math.max(0, c.lastSequence() - position.sequence());
      waiting += behind;
      if (behind > 0 || (c.session().ending() != null && !position.end())) {
        pending.add(c);
      }
    }
    // Deleted sessions are forgotten.
    positions.keySet().retainAll(current.keySet());
    positions.putAll(current);
    lag(waiting);
    return pending;
  }

  /**
   * Exports the next batch of {@code pending}: up to {@link #MAX_BATCH} events, each session's in
   * sequence order, in one transaction. Returns whether more is waiting.
   */
  private boolean exportBatch(ExportReader reader, Connection target, String daemonId, List<Candidate> pending)
      throws SQLException {
    int room = MAX_BATCH;
    List<Runnable> done = new ArrayList<>();
    boolean more = false;
    try (PreparedStatement sessions = target.prepareStatement(UPSERT_SESSION);
        PreparedStatement events = target.prepareStatement(INSERT_EVENT)) {
      for (Candidate c : pending) {
        if (room == 0) {
          more = true;
          break;
        }
        StoredSession s = c.session();
        List<String> key = List.of(s.tenant(), s.id());
        Position from = positions.get(key);
        List<StoredEvent> batch = reader.events(s.tenant(), s.id(), from.sequence(), room);
        room -= batch.size();
        long last = batch.isEmpty() ? from.sequence() : batch.get(batch.size() - 1).sequence();
        boolean complete = last >= c.lastSequence();
        more |= !complete;
        addSession(sessions, daemonId, s);
        for (StoredEvent e : batch) {
          events.setString(1, daemonId);
          events.setString(2, s.tenant());
          events.setString(3, s.id());
          events.setLong(4, e.sequence());
          events.setString(5, new String(e.jsonWithRaw(), StandardCharsets.UTF_8));
          events.addBatch();
        }
        // The ending counts as exported with the session's last events only.
        boolean end = s.ending() != null && complete;
        int count = batch.size();
        done.add(() -> {
          positions.put(key, new Position(last, end || from.end()));
          store.exported(s.tenant(), s.id(), last, end || from.end());
          exported += count;
          lag(Math.max(0, lag - count));
        });
      }
      sessions.executeBatch();
      events.executeBatch();
      target.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        target.rollback();
      } catch (SQLException ignored) {
        // the connection is dropped and made anew
      }
      throw e;
    }
    done.forEach(Runnable::run);
    return more;
  }

  private static void addSession(PreparedStatement p, String daemonId, StoredSession s) throws SQLException {
    StoredEnding ending = s.ending();
    p.setString(1, daemonId);
    p.setString(2, s.tenant());
    p.setString(3, s.id());
    p.setString(4, s.agent());
    p.setString(5, s.agentMode());
    p.setString(6, s.permissionMode());
    p.setString(7, s.model());
    p.setString(8, s.variant());
    p.setString(9, s.nativeSessionId());
    p.setObject(10, OffsetDateTime.ofInstant(s.created(), ZoneOffset.UTC));
    p.setObject(11, ending == null ? null : OffsetDateTime.ofInstant(ending.at(), ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    p.setString(12, ending == null ? null : ending.reason());
    p.setString(13, ending == null ? null : ending.terminatedBy());
    if (ending == null || ending.exitCode() == null) {
      p.setNull(14, Types.INTEGER);
    } else {
      p.setInt(14, ending.exitCode());
    }
    p.setString(15, ending == null ? null : ending.message());
    p.addBatch();
  }

  private boolean isClosing() {
    synchronized (monitor) {
      return closing;
    }
  }

  private void pause(Duration duration) {
    synchronized (monitor) {
      if (!closing) {
        try {
          monitor.wait(duration.toMillis());
        } catch (InterruptedException e) {
          closing = true;
        }
      }
    }
  }

  private static Connection closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // gone already
      }
    }
    return null;
  }

  /** Stops the export; what is not exported yet is exported by the next start. */
  @Override
  public void close() {
    synchronized (monitor) {
      closing = true;
      monitor.notifyAll();
    }
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
