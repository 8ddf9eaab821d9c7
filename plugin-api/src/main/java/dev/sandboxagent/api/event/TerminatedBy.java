package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Who ended a session. */
public enum TerminatedBy {
  /** {@code agent} on the wire. */
  @JsonProperty("agent")
  AGENT,
  /** {@code daemon} on the wire. */
  @JsonProperty("daemon")
  DAEMON;

  /** Returns the wire name. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
