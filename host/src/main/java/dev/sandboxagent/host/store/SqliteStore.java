package dev.sandboxagent.host.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.sqlite.SQLiteConfig;

/**
 * Sessions and events in an embedded SQLite database, {@code sessions.db} in the data directory.
 * The database is in WAL mode with {@code synchronous=NORMAL}. One writer thread drains the queue
 * of writes into one transaction per batch: what queues up while a commit runs goes into the next
 * one, so the event path never waits for the disk. When a write fails (a full disk, say) the batch
 * is kept and retried with a growing pause; the daemon goes on serving from memory meanwhile.
 *
 * <p>The schema is {@link SqliteSchema}'s: a database of an older version is upgraded in place
 * when opened, one of a newer version refused.
 */
public final class SqliteStore implements SessionStore {

  private static final System.Logger LOG = System.getLogger(SqliteStore.class.getName());

  /** The database's file name in the data directory. */
  public static final String FILE_NAME = "sessions.db";

  /** The schema version this daemon writes. */
  public static final int SCHEMA_VERSION = SqliteSchema.VERSION;

  private static final int MAX_BATCH = 4096;
  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final Duration LAST_RETRY = Duration.ofSeconds(10);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Path file;
  private final DataDirectoryLock lock;
  private final CompletableFuture<List<StoredSession>> opened = new CompletableFuture<>();
  private Connection connection;
  private volatile String daemonId;
  private final Object monitor = new Object();
  private final ArrayDeque<Write> queue = new ArrayDeque<>();
  /** The writes taken from the queue and not committed yet; guarded by the monitor. */
  private int inFlight;
  /** Why the last write failed, and since when writes fail; guarded by the monitor. */
  private String lastError;
  private Instant failingSince;
  private final Thread writer;
  private long lastTicket;
  private long committed;
  /** Written under the monitor; read without it by {@link #status}, which health checks call often. */
  private volatile boolean failing;
  private boolean closing;

  private SqliteStore(Path file, DataDirectoryLock lock) {
    this.file = file;
    this.lock = lock;
    this.writer = Thread.ofPlatform().daemon().name("session-store").unstarted(this::run);
  }

  /**
   * Takes the lock of {@code directory} (creating it if needed) and opens its database in the
   * background: the writer thread loads SQLite, creates or upgrades the schema and reads every
   * session while the daemon starts. Writes made meanwhile wait in the queue; {@link #load} and
   * {@link #awaitOpen} wait for the database.
   *
   * @throws StoreException when the directory cannot be created or is another daemon's
   */
  public static SqliteStore open(Path directory) {
    requireNonNull(directory, "directory is null");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StoreException("cannot create the data directory " + directory + ": " + e.getMessage(), e);
    }
    DataDirectoryLock lock = DataDirectoryLock.acquire(directory);
    SqliteStore store = new SqliteStore(directory.resolve(FILE_NAME), lock);
    store.writer.start();
    return store;
  }

  /** Opens the database: schema up to date, every session read; then the writer takes over. */
  private List<StoredSession> openDatabase() {
    Connection c = null;
    try {
      SqliteNative.prepare(file.getParent());
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout(5000);
      c = config.createConnection("jdbc:sqlite:" + file);
      SqliteSchema.migrate(c, file);
      daemonId = readDaemonId(c);
      List<StoredSession> sessions = read(c);
      c.setAutoCommit(false);
      connection = c;
      return sessions;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("cannot read the session database " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isOpen() {
    return opened.isDone() && !opened.isCompletedExceptionally();
  }

  /**
   * Waits until the database is open.
   *
   * @throws StoreException when it cannot be read (damaged, not a database, of a newer schema)
   */
  public void awaitOpen() {
    try {
      opened.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof StoreException se ? se : new StoreException(e.getMessage(), e);
    }
  }


  private static List<StoredSession> read(Connection connection) throws SQLException {
    Map<List<String>, List<StoredIdempotencyKey>> keys = new HashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT tenant, session_id, key, fingerprint, created_at FROM idempotency_keys")) {
      while (rs.next()) {
        keys.computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
            .add(new StoredIdempotencyKey(rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))));
      }
    }
    Map<List<String>, List<StoredEvent>> events = new HashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT tenant, session_id, sequence, json, json_with_raw FROM events ORDER BY tenant, session_id, sequence")) {
      while (rs.next()) {
        List<StoredEvent> list = events.computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new ArrayList<>());
        long sequence = rs.getLong(3);
        byte[] json = rs.getBytes(4);
        byte[] withRaw = rs.getBytes(5);
        // Sequences are dense: whatever follows a gap could not be served in order.
        if (sequence == list.size() + 1) {
          list.add(new StoredEvent(sequence, json, withRaw == null ? json : withRaw));
        }
      }
    }
    List<StoredSession> sessions = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + SessionRows.COLUMNS + " FROM sessions ORDER BY rowid")) {
      while (rs.next()) {
        List<String> key = List.of(rs.getString(1), rs.getString(2));
        sessions.add(SessionRows.read(rs, events.getOrDefault(key, List.of()), keys.getOrDefault(key, List.of())));
      }
    }
    return sessions;
  }

  private static String readDaemonId(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM daemon")) {
      if (!rs.next()) {
        throw new SQLException("the database has no daemon id");
      }
      return rs.getString(1);
    }
  }

  /** The id of the daemon this data directory belongs to: random, made once, kept with the data. */
  public String daemonId() {
    awaitOpen();
    return daemonId;
  }

  /**
   * Stores how far a session is exported to an event sink: its events up to {@code sequence}, and
   * its ending if {@code end}. A position never moves back.
   */
  public long exported(String tenant, String id, long sequence, boolean end) {
    return enqueue(new Write.Exported(tenant, id, sequence, end));
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public List<StoredSession> load() {
    awaitOpen();
    return opened.join();
  }

  @Override
  public long create(StoredSession session) {
    return enqueue(new Write.Create(session));
  }

  @Override
  public long append(String tenant, String id, List<StoredEvent> events) {
    return events.isEmpty() ? 0 : enqueue(new Write.Append(tenant, id, List.copyOf(events)));
  }

  @Override
  public long nativeSessionId(String tenant, String id, String nativeSessionId) {
    return enqueue(new Write.NativeId(tenant, id, nativeSessionId));
  }

  @Override
  public long end(String tenant, String id, StoredEnding ending) {
    return enqueue(new Write.End(tenant, id, ending));
  }

  @Override
  public long delete(String tenant, String id) {
    return enqueue(new Write.Delete(tenant, id));
  }

  @Override
  public long idempotencyKey(String tenant, String id, StoredIdempotencyKey key) {
    return enqueue(new Write.Key(tenant, id, key));
  }

  @Override
  public long expireIdempotencyKeys(Instant before) {
    return enqueue(new Write.ExpireKeys(before));
  }

  private long enqueue(Write write) {
    synchronized (monitor) {
      if (closing) {
        LOG.log(Level.WARNING, "the session store is closed; a write is lost");
        return 0;
      }
      queue.addLast(write);
      monitor.notifyAll();
      return ++lastTicket;
    }
  }

  @Override
  public boolean awaitDurable(long ticket, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      while (committed < ticket && !failing) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        monitor.wait(Math.max(1, left / 1_000_000));
      }
      return committed >= ticket;
    }
  }

  @Override
  public StoreStatus status() {
    if (!failing) {
      return StoreStatus.WRITING;
    }
    synchronized (monitor) {
      return failing ? new StoreStatus(true, inFlight + queue.size(), lastError, failingSince) : StoreStatus.WRITING;
    }
  }

  /** The writer: takes what is queued, writes it in one transaction, and signals the commit. */
  private void run() {
    try {
      opened.complete(openDatabase());
    } catch (StoreException e) {
      opened.completeExceptionally(e);
      synchronized (monitor) {
        failing = true;
        monitor.notifyAll();
      }
      return;
    }
    List<Write> batch = new ArrayList<>();
    long batchLast = 0;
    Duration retry = FIRST_RETRY;
    Statements statements = null;
    while (true) {
      synchronized (monitor) {
        while (batch.isEmpty() && queue.isEmpty() && !closing) {
          try {
            monitor.wait();
          } catch (InterruptedException e) {
            // Only close stops the writer.
          }
        }
        if (batch.isEmpty() && queue.isEmpty()) {
          return;
        }
        while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(queue.removeFirst());
        }
        inFlight = batch.size();
        batchLast = lastTicket - queue.size();
      }
      try {
        if (statements == null) {
          statements = new Statements(connection);
        }
        for (Write write : batch) {
          write.apply(statements);
        }
        statements.flush();
        connection.commit();
        batch.clear();
        retry = FIRST_RETRY;
        synchronized (monitor) {
          if (failing) {
            LOG.log(Level.INFO, "the session database " + file + " is written again");
          }
          failing = false;
          failingSince = null;
          inFlight = 0;
          committed = batchLast;
          monitor.notifyAll();
        }
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly();
        if (statements != null) {
          statements.close();
          statements = null;
        }
        boolean first;
        synchronized (monitor) {
          first = !failing;
          failing = true;
          lastError = e.getMessage();
          if (first) {
            failingSince = Instant.now();
          }
          monitor.notifyAll();
        }
        if (first) {
          LOG.log(Level.ERROR, "writing the session database " + file
              + " failed; serving from memory and retrying: " + e.getMessage());
        }
        synchronized (monitor) {
          if (closing && System.nanoTime() > closeDeadline) {
            LOG.log(Level.ERROR, "the session database " + file + " missed " + (batch.size() + queue.size())
                + " writes at shutdown");
            return;
          }
          try {
            monitor.wait(retry.toMillis());
          } catch (InterruptedException ie) {
            // retry at once
          }
        }
        retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
      }
    }
  }

  private long closeDeadline;

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the next batch starts afresh
    }
  }

  @Override
  public void close() {
    synchronized (monitor) {
      if (closing) {
        return;
      }
      closing = true;
      closeDeadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
      monitor.notifyAll();
    }
    try {
      writer.join(CLOSE_TIMEOUT.plusSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!writer.isAlive()) {
      closeQuietly(connection);
    }
    opened.completeExceptionally(new StoreException("the session store is closed"));
    lock.close();
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // nothing more to do
      }
    }
  }

  /** The writer's prepared statements; appends are batched until {@link #flush}. */
  private static final class Statements {
    final PreparedStatement insertSession;
    final PreparedStatement insertEvent;
    final PreparedStatement nativeId;
    final PreparedStatement end;
    final PreparedStatement deleteEvents;
    final PreparedStatement deleteSession;
    final PreparedStatement deleteKeys;
    final PreparedStatement insertKey;
    final PreparedStatement expireKeys;
    final PreparedStatement exported;
    boolean pendingEvents;

    Statements(Connection c) throws SQLException {
      insertSession = c.prepareStatement("INSERT OR REPLACE INTO sessions (tenant, id, agent, agent_mode,"
          + " permission_mode, model, variant, native_session_id, created_at, end_reason, terminated_by, exit_code,"
          + " end_message, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      insertEvent = c.prepareStatement("INSERT OR REPLACE INTO events (tenant, session_id, sequence, json,"
          + " json_with_raw) VALUES (?, ?, ?, ?, ?)");
      nativeId = c.prepareStatement("UPDATE sessions SET native_session_id = ? WHERE tenant = ? AND id = ?");
      end = c.prepareStatement("UPDATE sessions SET end_reason = ?, terminated_by = ?, exit_code = ?, end_message = ?,"
          + " ended_at = ? WHERE tenant = ? AND id = ?");
      deleteEvents = c.prepareStatement("DELETE FROM events WHERE tenant = ? AND session_id = ?");
      deleteSession = c.prepareStatement("DELETE FROM sessions WHERE tenant = ? AND id = ?");
      deleteKeys = c.prepareStatement("DELETE FROM idempotency_keys WHERE tenant = ? AND session_id = ?");
      insertKey = c.prepareStatement("INSERT OR REPLACE INTO idempotency_keys (tenant, session_id, key, fingerprint,"
          + " created_at) VALUES (?, ?, ?, ?, ?)");
      expireKeys = c.prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?");
      exported = c.prepareStatement("UPDATE sessions SET exported_sequence = max(exported_sequence, ?),"
          + " exported_end = max(exported_end, ?) WHERE tenant = ? AND id = ?");
    }

    void close() {
      for (PreparedStatement p : List.of(insertSession, insertEvent, nativeId, end, deleteEvents, deleteSession,
          deleteKeys, insertKey, expireKeys, exported)) {
        try {
          p.close();
        } catch (SQLException e) {
          // prepared anew for the next batch
        }
      }
    }

    /** Runs the appends batched so far, before any other statement, to keep the order of writes. */
    void flush() throws SQLException {
      if (pendingEvents) {
        insertEvent.executeBatch();
        pendingEvents = false;
      }
    }
  }

  /** One queued write. */
  private sealed interface Write {
    void apply(Statements s) throws SQLException;

    record Create(StoredSession session) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        s.flush();
        PreparedStatement p = s.insertSession;
        p.setString(1, session.tenant());
        p.setString(2, session.id());
        p.setString(3, session.agent());
        p.setString(4, session.agentMode());
        p.setString(5, session.permissionMode());
        p.setString(6, session.model());
        p.setString(7, session.variant());
        p.setString(8, session.nativeSessionId());
        p.setString(9, session.created().toString());
        StoredEnding ending = session.ending();
        p.setString(10, ending == null ? null : ending.reason());
        p.setString(11, ending == null ? null : ending.terminatedBy());
        setInteger(p, 12, ending == null ? null : ending.exitCode());
        p.setString(13, ending == null ? null : ending.message());
        setLong(p, 14, ending == null ? null : ending.at().toEpochMilli());
        p.executeUpdate();
      }
    }

    record Append(String tenant, String id, List<StoredEvent> events) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        PreparedStatement p = s.insertEvent;
        for (StoredEvent event : events) {
          p.setString(1, tenant);
          p.setString(2, id);
          p.setLong(3, event.sequence());
          p.setBytes(4, event.json());
          p.setBytes(5, event.jsonWithRaw() == event.json() ? null : event.jsonWithRaw());
          p.addBatch();
        }
        s.pendingEvents = true;
      }
    }

    record NativeId(String tenant, String id, String nativeSessionId) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        s.flush();
        s.nativeId.setString(1, nativeSessionId);
        s.nativeId.setString(2, tenant);
        s.nativeId.setString(3, id);
        s.nativeId.executeUpdate();
      }
    }

    record End(String tenant, String id, StoredEnding ending) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        s.flush();
        PreparedStatement p = s.end;
        p.setString(1, ending.reason());
        p.setString(2, ending.terminatedBy());
        setInteger(p, 3, ending.exitCode());
        p.setString(4, ending.message());
        p.setLong(5, ending.at().toEpochMilli());
        p.setString(6, tenant);
        p.setString(7, id);
        p.executeUpdate();
      }
    }

    record Delete(String tenant, String id) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        s.flush();
        s.deleteEvents.setString(1, tenant);
        s.deleteEvents.setString(2, id);
        s.deleteEvents.executeUpdate();
        s.deleteSession.setString(1, tenant);
        s.deleteSession.setString(2, id);
        s.deleteSession.executeUpdate();
        s.deleteKeys.setString(1, tenant);
        s.deleteKeys.setString(2, id);
        s.deleteKeys.executeUpdate();
      }
    }

    record Key(String tenant, String id, StoredIdempotencyKey key) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        s.flush();
        PreparedStatement p = s.insertKey;
        p.setString(1, tenant);
        p.setString(2, id);
        p.setString(3, key.key());
        p.setString(4, key.fingerprint());
        p.setLong(5, key.at().toEpochMilli());
        p.executeUpdate();
      }
    }

    record Exported(String tenant, String id, long sequence, boolean end) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        s.flush();
        s.exported.setLong(1, sequence);
        s.exported.setInt(2, end ? 1 : 0);
        s.exported.setString(3, tenant);
        s.exported.setString(4, id);
        s.exported.executeUpdate();
      }
    }

    record ExpireKeys(Instant before) implements Write {
      @Override
      public void apply(Statements s) throws SQLException {
        s.flush();
        s.expireKeys.setLong(1, before.toEpochMilli());
        s.expireKeys.executeUpdate();
      }
    }

    private static void setLong(PreparedStatement p, int index, Long value) throws SQLException {
      if (value == null) {
        p.setNull(index, Types.INTEGER);
      } else {
        p.setLong(index, value);
      }
    }

    private static void setInteger(PreparedStatement p, int index, Integer value) throws SQLException {
      if (value == null) {
        p.setNull(index, Types.INTEGER);
      } else {
        p.setInt(index, value);
      }
    }
  }
}
