package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Role of a {@link UniversalItem}. */
public enum ItemRole {
  /** {@code user} on the wire. */
  @JsonProperty("user")
  USER,
  /** {@code assistant} on the wire. */
  @JsonProperty("assistant")
  ASSISTANT,
  /** {@code system} on the wire. */
  @JsonProperty("system")
  SYSTEM,
  /** {@code tool} on the wire. */
  @JsonProperty("tool")
  TOOL;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
