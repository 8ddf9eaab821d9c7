package dev.sandboxagent.host.http;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A log record with named values besides its message: the text format writes the message, the
 * JSON format ({@code --log-format json}) adds each value as a field of the line's object.
 */
public final class FieldsRecord extends LogRecord {

  private static final long serialVersionUID = 1L;

  private final transient Map<String, Object> fields;

  /**
   * @param message the line's message, written as it is (no parameters are substituted)
   * @param fields the named values, in order: strings, numbers, booleans or null
   */
  public FieldsRecord(Level level, String loggerName, String message, Map<String, Object> fields) {
    super(level, message);
    setLoggerName(loggerName);
    this.fields = fields;
  }

  /** The named values. */
  public Map<String, Object> fields() {
    return fields;
  }
}
