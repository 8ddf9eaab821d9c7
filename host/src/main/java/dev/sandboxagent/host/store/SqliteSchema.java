package dev.sandboxagent.host.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The session database's schema: its versions, as {@code PRAGMA user_version}, and the migrations
 * between them. A database of an older version is upgraded in place, one of a newer one refused.
 */
final class SqliteSchema {

  /** Migration {@code i} takes the schema from version {@code i} to {@code i + 1}. */
  private static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          """
          CREATE TABLE sessions (
            tenant TEXT NOT NULL,
            id TEXT NOT NULL,
            agent TEXT NOT NULL,
            agent_mode TEXT NOT NULL,
            permission_mode TEXT NOT NULL,
            model TEXT,
            variant TEXT,
            native_session_id TEXT,
            created_at TEXT NOT NULL,
            end_reason TEXT,
            terminated_by TEXT,
            exit_code INTEGER,
            end_message TEXT,
            PRIMARY KEY (tenant, id))""",
          """
          CREATE TABLE events (
            tenant TEXT NOT NULL,
            session_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            json BLOB NOT NULL,
            json_with_raw BLOB,
            PRIMARY KEY (tenant, session_id, sequence)) WITHOUT ROWID"""),
      // When a session ended (milliseconds since the epoch), which retention counts from; for
      // sessions that ended before, the time of their last event.
      List.of(
          "ALTER TABLE sessions ADD COLUMN ended_at INTEGER",
          """
          UPDATE sessions SET ended_at = CAST(1000 * unixepoch(COALESCE(
            (SELECT json_extract(CAST(e.json AS TEXT), '$.time') FROM events e
             WHERE e.tenant = sessions.tenant AND e.session_id = sessions.id ORDER BY e.sequence DESC LIMIT 1),
            created_at), 'subsec') AS INTEGER)
          WHERE end_reason IS NOT NULL"""),
      // The idempotency keys messages were accepted with, and when (milliseconds since the epoch).
      List.of(
          """
          CREATE TABLE idempotency_keys (
            tenant TEXT NOT NULL,
            session_id TEXT NOT NULL,
            key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (tenant, session_id, key)) WITHOUT ROWID""",
          "CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)"),
      // The daemon's own id, kept with its data (an event sink keys what it exports by it), and how
      // far each session is exported: the last sequence, and whether its ending.
      List.of(
          "CREATE TABLE daemon (id TEXT NOT NULL)",
          "INSERT INTO daemon (id) VALUES (lower(hex(randomblob(16))))",
          "ALTER TABLE sessions ADD COLUMN exported_sequence INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE sessions ADD COLUMN exported_end INTEGER NOT NULL DEFAULT 0"));

  /** The schema version this daemon writes. */
  static final int VERSION = MIGRATIONS.size();

  private SqliteSchema() {}

  /**
   * Upgrades the schema of {@code connection}'s database to {@link #VERSION}, each step in a
   * transaction of its own.
   *
   * @throws StoreException for a database of a newer version
   */
  static void migrate(Connection connection, Path file) throws SQLException {
    int version;
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version > VERSION) {
      throw new StoreException("the session database " + file + " has schema version " + version
          + ", newer than this daemon's " + VERSION + "; use a newer daemon or another --data-dir");
    }
    for (int v = version; v < VERSION; v++) {
      connection.setAutoCommit(false);
      try (Statement s = connection.createStatement()) {
        for (String sql : MIGRATIONS.get(v)) {
          s.execute(sql);
        }
        s.execute("PRAGMA user_version = " + (v + 1));
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }
}
