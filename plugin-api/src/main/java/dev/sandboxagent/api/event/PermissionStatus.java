package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Status carried by permission events. */
public enum PermissionStatus {
  /** {@code requested} on the wire. */
  @JsonProperty("requested")
  REQUESTED,
  /** {@code approved} on the wire. */
  @JsonProperty("approved")
  APPROVED,
  /** {@code denied} on the wire. */
  @JsonProperty("denied")
  DENIED;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
