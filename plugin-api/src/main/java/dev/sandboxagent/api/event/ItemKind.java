package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Kind of a {@link UniversalItem}. */
public enum ItemKind {
  /** {@code message} on the wire. */
  @JsonProperty("message")
  MESSAGE,
  /** {@code tool_call} on the wire. */
  @JsonProperty("tool_call")
  TOOL_CALL,
  /** {@code tool_result} on the wire. */
  @JsonProperty("tool_result")
  TOOL_RESULT,
  /** {@code system} on the wire. */
  @JsonProperty("system")
  SYSTEM,
  /** {@code status} on the wire. */
  @JsonProperty("status")
  STATUS,
  /** {@code unknown} on the wire. */
  @JsonProperty("unknown")
  UNKNOWN;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
