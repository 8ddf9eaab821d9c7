package dev.sandboxagent.api.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Who produced an event: the agent, or the daemon itself (then the event is synthetic). */
public enum EventSource {
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
