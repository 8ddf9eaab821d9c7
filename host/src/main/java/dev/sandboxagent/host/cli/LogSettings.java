package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.http.AccessLog;
import dev.sandboxagent.host.http.FieldsRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the daemon logs: the lowest level written ({@code --log-level}, {@code SANDBOX_AGENT_LOG_LEVEL}),
 * the line format ({@code --log-format text|json}, {@code SANDBOX_AGENT_LOG_FORMAT}) and whether each
 * request is logged ({@code --access-log}, {@code SANDBOX_AGENT_ACCESS_LOG}); a flag wins over the
 * variable. Applied to the console handlers of the root logger, unless a logging configuration file
 * was given to the JVM.
 *
 * @param level the lowest level written
 * @param json whether each line is one JSON object (for log shippers) rather than text
 * @param accessLog whether a line is written for every request (at level INFO, whatever {@code level})
 */
record LogSettings(Level level, boolean json, boolean accessLog) {

  /** The defaults: info and above, as text, no access log. */
  static final LogSettings DEFAULT = new LogSettings(Level.INFO, false, false);

  /** Settings without the access log. */
  LogSettings(Level level, boolean json) {
    this(level, json, false);
  }

  private static final Map<String, Level> LEVELS = Map.of(
      "error", Level.SEVERE, "warn", Level.WARNING, "info", Level.INFO, "debug", Level.FINE, "trace", Level.FINEST);

  /**
   * The settings from the flags (null when not given), else from {@code env}.
   *
   * @throws UsageException for a flag's bad value
   * @throws IllegalArgumentException for a variable's bad value
   */
  static LogSettings of(String levelFlag, String formatFlag, Map<String, String> env) {
    return of(levelFlag, formatFlag, false, env);
  }

  /**
   * The settings from the flags (null, or false for {@code --access-log}, when not given), else
   * from {@code env}.
   *
   * @throws UsageException for a flag's bad value
   * @throws IllegalArgumentException for a variable's bad value
   */
  static LogSettings of(String levelFlag, String formatFlag, boolean accessLogFlag, Map<String, String> env) {
    Level level = levelFlag != null ? level(levelFlag, "--log-level", true)
        : env.containsKey("SANDBOX_AGENT_LOG_LEVEL") ? level(env.get("SANDBOX_AGENT_LOG_LEVEL"), "SANDBOX_AGENT_LOG_LEVEL", false)
        : DEFAULT.level();
    boolean json = formatFlag != null ? json(formatFlag, "--log-format", true)
        : env.containsKey("SANDBOX_AGENT_LOG_FORMAT") ? json(env.get("SANDBOX_AGENT_LOG_FORMAT"), "SANDBOX_AGENT_LOG_FORMAT", false)
        : DEFAULT.json();
    boolean accessLog = accessLogFlag || (env.containsKey("SANDBOX_AGENT_ACCESS_LOG")
        && onOff(env.get("SANDBOX_AGENT_ACCESS_LOG"), "SANDBOX_AGENT_ACCESS_LOG"));
    return new LogSettings(level, json, accessLog);
  }

  private static boolean onOff(String value, String source) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "1", "true", "on", "yes" -> true;
      case "", "0", "false", "off", "no" -> false;
      default -> throw invalid(source, value, "1, true, on, yes, 0, false, off or no", false);
    };
  }

  private static Level level(String value, String source, boolean flag) {
    Level level = LEVELS.get(value.strip().toLowerCase(Locale.ROOT));
    if (level == null) {
      throw invalid(source, value, "error, warn, info, debug or trace", flag);
    }
    return level;
  }

  private static boolean json(String value, String source, boolean flag) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "text" -> false;
      case "json" -> true;
      default -> throw invalid(source, value, "text or json", flag);
    };
  }

  private static RuntimeException invalid(String source, String value, String expected, boolean flag) {
    String message = "invalid value '" + value + "' for '" + source + "': expected " + expected;
    return flag ? new UsageException(message) : new IllegalArgumentException(message);
  }

  /** Applies the settings to the root logger's console handlers (not when the JVM was given a logging file). */
  void apply() {
    if (accessLog) {
      AccessLog.enable(true);
    }
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    for (Handler handler : root.getHandlers()) {
      if (handler instanceof ConsoleHandler) {
        // Other loggers are held to the level by the root; the access log's lines pass at INFO.
        handler.setLevel(accessLog && level.intValue() > Level.INFO.intValue() ? Level.INFO : level);
        if (json) {
          handler.setFormatter(new JsonFormatter());
        }
      }
    }
  }

  /**
   * One JSON object a line: {@code time} (UTC), {@code level} ({@code ERROR}, {@code WARN},
   * {@code INFO}, {@code DEBUG}, {@code TRACE}), {@code logger}, {@code message} and, for a failure,
   * {@code error} with its stack trace.
   */
  static final class JsonFormatter extends Formatter {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String format(LogRecord record) {
      ObjectNode line = JSON.createObjectNode()
          .put("time", record.getInstant().toString())
          .put("level", levelName(record.getLevel()))
          .put("logger", record.getLoggerName())
          .put("message", formatMessage(record));
      if (record instanceof FieldsRecord fields) {
        fields.fields().forEach((name, value) -> line.set(name, JSON.valueToTree(value)));
      }
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        try (PrintWriter writer = new PrintWriter(trace)) {
          record.getThrown().printStackTrace(writer);
        }
        line.put("error", trace.toString());
      }
      return line + System.lineSeparator();
    }

    private static String levelName(Level level) {
      int value = level.intValue();
      return value >= Level.SEVERE.intValue() ? "ERROR"
          : value >= Level.WARNING.intValue() ? "WARN"
          : value >= Level.INFO.intValue() ? "INFO"
          : value >= Level.FINE.intValue() ? "DEBUG"
          : "TRACE";
    }
  }
}
