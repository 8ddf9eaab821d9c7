package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Whether a {@link ContentPart.Reasoning} part is meant to be shown. */
public enum ReasoningVisibility {
  /** {@code public} on the wire. */
  @JsonProperty("public")
  PUBLIC,
  /** {@code private} on the wire. */
  @JsonProperty("private")
  PRIVATE;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
