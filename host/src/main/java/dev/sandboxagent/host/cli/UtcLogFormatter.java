package dev.sandboxagent.host.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The daemon's log lines: {@code 2026-01-02T03:04:05.678Z LEVEL logger: message}, the time in UTC
 * whatever the machine's time zone, so that the {@code Z} is true.
 */
final class UtcLogFormatter extends Formatter {

  private static final String FORMAT = "%1$tFT%1$tT.%1$tLZ %2$s %3$s: %4$s%5$s%n";

  /** Formats the records of the console handlers that use the plain default formatter. */
  static void install() {
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      if (handler instanceof ConsoleHandler && handler.getFormatter().getClass() == SimpleFormatter.class) {
        handler.setFormatter(new UtcLogFormatter());
      }
    }
  }

  @Override
  public String format(LogRecord record) {
    String thrown = "";
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      try (PrintWriter writer = new PrintWriter(trace)) {
        writer.println();
        record.getThrown().printStackTrace(writer);
      }
      thrown = trace.toString();
    }
    return String.format(FORMAT, ZonedDateTime.ofInstant(record.getInstant(), ZoneOffset.UTC),
        record.getLevel().getLocalizedName(), record.getLoggerName(), formatMessage(record), thrown);
  }
}
