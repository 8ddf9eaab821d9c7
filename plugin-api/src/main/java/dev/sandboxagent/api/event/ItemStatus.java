package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Lifecycle status of a {@link UniversalItem}. */
public enum ItemStatus {
  /** {@code in_progress} on the wire. */
  @JsonProperty("in_progress")
  IN_PROGRESS,
  /** {@code completed} on the wire. */
  @JsonProperty("completed")
  COMPLETED,
  /** {@code failed} on the wire. */
  @JsonProperty("failed")
  FAILED;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
