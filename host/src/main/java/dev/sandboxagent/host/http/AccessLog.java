package dev.sandboxagent.host.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The access log ({@code --access-log}): one line per answered request, through the daemon's log
 * (so {@code --log-format json} makes it a JSON object per line) with the method, the raw path
 * without its query, the route pattern, the status, the duration and the tenant. The query string
 * and the headers, where tokens travel, are never written. Off unless turned on, by the flag or by a
 * logging configuration that sets the level of the {@value #LOGGER_NAME} logger.
 */
public final class AccessLog {

  /** The logger the lines go to, at level INFO. */
  public static final String LOGGER_NAME = "dev.sandboxagent.access";
  /** Held so that its level stays. */
  private static final Logger LOG = Logger.getLogger(LOGGER_NAME);

  static {
    if (LOG.getLevel() == null) {
      LOG.setLevel(Level.OFF);
    }
  }

  private AccessLog() {}

  /** Turns the access log on or off. */
  public static void enable(boolean on) {
    LOG.setLevel(on ? Level.INFO : Level.OFF);
  }

  static boolean enabled() {
    return LOG.isLoggable(Level.INFO);
  }

  /**
   * Writes one request's line.
   *
   * @param path the raw path, without the query
   * @param tenant the authenticated tenant's id (empty for the daemon's own token), or null when
   *     the request was not authenticated
   */
  static void log(String method, String path, String route, int status, long nanos, String tenant) {
    double millis = Math.round(nanos / 10_000.0) / 100.0;
    StringBuilder message = new StringBuilder(96).append(method).append(' ').append(path).append(' ').append(status)
        .append(' ').append(millis).append(" ms route=").append(route);
    if (tenant != null && !tenant.isEmpty()) {
      message.append(" tenant=").append(tenant);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("method", method);
    fields.put("path", path);
    fields.put("route", route);
    fields.put("status", status);
    fields.put("durationMs", millis);
    fields.put("tenant", tenant);
    LOG.log(new FieldsRecord(Level.INFO, LOGGER_NAME, message.toString(), fields));
  }
}
