package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Why a session ended. */
public enum SessionEndReason {
  /** {@code completed} on the wire. */
  @JsonProperty("completed")
  COMPLETED,
  /** {@code error} on the wire. */
  @JsonProperty("error")
  ERROR,
  /** {@code terminated} on the wire. */
  @JsonProperty("terminated")
  TERMINATED;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
