package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Status carried by question events. */
public enum QuestionStatus {
  /** {@code requested} on the wire. */
  @JsonProperty("requested")
  REQUESTED,
  /** {@code answered} on the wire. */
  @JsonProperty("answered")
  ANSWERED,
  /** {@code rejected} on the wire. */
  @JsonProperty("rejected")
  REJECTED;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
