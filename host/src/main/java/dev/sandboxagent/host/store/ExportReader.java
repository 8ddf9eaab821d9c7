package dev.sandboxagent.host.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Reads what an event sink has still to export, on a read-only connection of its own beside the
 * store's writer (the database is in WAL mode, so reading never blocks writing). Not thread-safe:
 * one exporter thread uses it.
 */
public final class ExportReader implements AutoCloseable {

  /**
   * A stored session and how far it is exported.
   *
   * @param session the session (without events or keys)
   * @param lastSequence the sequence of its last stored event, 0 for none
   * @param exportedSequence the last sequence stored as exported
   * @param endExported whether its ending is stored as exported
   */
  public record Candidate(StoredSession session, long lastSequence, long exportedSequence, boolean endExported) {
    public Candidate {
      requireNonNull(session, "session is null");
    }
  }

  private final Connection connection;
  private final PreparedStatement sessions;
  private final PreparedStatement events;
  private final PreparedStatement dataVersion;
  private long lastDataVersion = -1;

  private ExportReader(Connection connection) throws SQLException {
    this.connection = connection;
    this.sessions = connection.prepareStatement("SELECT " + SessionRows.COLUMNS + ", exported_sequence, exported_end,"
        + " (SELECT max(sequence) FROM events e WHERE e.tenant = s.tenant AND e.session_id = s.id)"
        + " FROM sessions s ORDER BY rowid");
    this.events = connection.prepareStatement("SELECT sequence, json, json_with_raw FROM events"
        + " WHERE tenant = ? AND session_id = ? AND sequence > ? ORDER BY sequence LIMIT ?");
    this.dataVersion = connection.prepareStatement("PRAGMA data_version");
  }

  /** Whether the store has committed anything since the last call (true at the first). */
  public boolean changed() throws SQLException {
    try (ResultSet rs = dataVersion.executeQuery()) {
      long version = rs.next() ? rs.getLong(1) : -1;
      boolean changed = version != lastDataVersion || version == -1;
      lastDataVersion = version;
      return changed;
    }
  }

  /** Opens a read-only connection to the store's database (which must exist). */
  public static ExportReader open(SqliteStore store) throws SQLException {
    store.awaitOpen();
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5000);
    Connection c = config.createConnection("jdbc:sqlite:" + store.file());
    try {
      return new ExportReader(c);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /** Every stored session with its export position, in the order they were created. */
  public List<Candidate> candidates() throws SQLException {
    List<Candidate> list = new ArrayList<>();
    try (ResultSet rs = sessions.executeQuery()) {
      while (rs.next()) {
        StoredSession session = SessionRows.read(rs, List.of(), List.of());
        int next = SessionRows.COUNT + 1;
        list.add(new Candidate(session, rs.getLong(next + 2), rs.getLong(next), rs.getInt(next + 1) != 0));
      }
    }
    return list;
  }

  /** Up to {@code limit} stored events of a session after {@code after}, in sequence order. */
  public List<StoredEvent> events(String tenant, String id, long after, int limit) throws SQLException {
    events.setString(1, tenant);
    events.setString(2, id);
    events.setLong(3, after);
    events.setInt(4, limit);
    List<StoredEvent> list = new ArrayList<>();
    try (ResultSet rs = events.executeQuery()) {
      while (rs.next()) {
        byte[] json = rs.getBytes(2);
        byte[] withRaw = rs.getBytes(3);
        list.add(new StoredEvent(rs.getLong(1), json, withRaw == null ? json : withRaw));
      }
    }
    return list;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing more to do
    }
  }
}
