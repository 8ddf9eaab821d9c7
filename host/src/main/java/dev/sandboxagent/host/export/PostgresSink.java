package dev.sandboxagent.host.export;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * A PostgreSQL database given as {@code postgresql://[user[:password]@]host[:port]/database[?parameters]}
 * (the form of libpq's connection URIs; {@code postgres://} too): connects through JDBC and creates
 * the export's tables when missing.
 */
public final class PostgresSink {

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS sessions (
      daemon_id TEXT NOT NULL,
      tenant TEXT NOT NULL,
      session_id TEXT NOT NULL,
      agent TEXT NOT NULL,
      agent_mode TEXT NOT NULL,
      permission_mode TEXT NOT NULL,
      model TEXT,
      variant TEXT,
      native_session_id TEXT,
      created_at TIMESTAMPTZ NOT NULL,
      ended_at TIMESTAMPTZ,
      end_reason TEXT,
      terminated_by TEXT,
      exit_code INTEGER,
      end_message TEXT,
      PRIMARY KEY (daemon_id, tenant, session_id))""",
    """
    CREATE TABLE IF NOT EXISTS events (
      daemon_id TEXT NOT NULL,
      tenant TEXT NOT NULL,
      session_id TEXT NOT NULL,
      sequence BIGINT NOT NULL,
      event JSONB NOT NULL,
      PRIMARY KEY (daemon_id, tenant, session_id, sequence))"""
  };

  private final String jdbcUrl;
  private final Properties properties;
  private final String shown;

  private PostgresSink(String jdbcUrl, Properties properties, String shown) {
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
    this.shown = shown;
  }

  /**
   * The sink of a {@code postgresql://} URI.
   *
   * @throws IllegalArgumentException for another scheme, or without a host or database
   */
  public static PostgresSink parse(URI uri) {
    requireNonNull(uri, "uri is null");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
      throw new IllegalArgumentException("the event sink must be a postgresql:// URL");
    }
    String database = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
    if (uri.getHost() == null || database.isEmpty()) {
      throw new IllegalArgumentException("the event sink URL needs a host and a database: postgresql://host/database");
    }
    Properties properties = new Properties();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      properties.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        properties.setProperty("password", decode(userInfo.substring(colon + 1)));
      }
    }
    String hostPort = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    // The password stays out of what is shown.
    return new PostgresSink("jdbc:postgresql://" + hostPort + "/" + database + query, properties,
        "postgresql://" + hostPort + "/" + database);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Connects, in manual-commit mode, and creates the tables if they are missing. */
  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.putAll(properties);
    p.setProperty("ApplicationName", "sandbox-agent");
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    Connection c = DriverManager.getConnection(jdbcUrl, p);
    try {
      try (Statement s = c.createStatement()) {
        for (String sql : SCHEMA) {
          s.execute(sql);
        }
      }
      c.setAutoCommit(false);
      return c;
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  /** The sink without its password, for logs. */
  @Override
  public String toString() {
    return shown;
  }
}
