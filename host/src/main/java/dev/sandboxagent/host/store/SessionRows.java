package dev.sandboxagent.host.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The columns of a stored session, read in this order, and the {@link StoredSession} they make. */
final class SessionRows {

  /** The columns, to select in this order (tenant and id first). */
  static final String COLUMNS = "tenant, id, agent, agent_mode, permission_mode, model, variant, native_session_id,"
      + " created_at, end_reason, terminated_by, exit_code, end_message, ended_at";

  /** How many columns {@link #COLUMNS} names; the next one selected is number {@code COUNT + 1}. */
  static final int COUNT = 14;

  private SessionRows() {}

  /** The session of the current row, with these events and keys. */
  static StoredSession read(ResultSet rs, List<StoredEvent> events, List<StoredIdempotencyKey> keys)
      throws SQLException {
    Instant created = Instant.parse(rs.getString(9));
    StoredEnding ending = null;
    if (rs.getString(10) != null) {
      int exitCode = rs.getInt(12);
      Integer code = rs.wasNull() ? null : exitCode;
      long endedAt = rs.getLong(14);
      Instant at = rs.wasNull() ? created : Instant.ofEpochMilli(endedAt);
      ending = new StoredEnding(rs.getString(10), rs.getString(11), code, rs.getString(13), at);
    }
    return new StoredSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), created, ending, events, keys);
  }
}
