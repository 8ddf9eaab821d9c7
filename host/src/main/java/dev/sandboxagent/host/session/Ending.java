package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;

/**
 * Why a session ended, as the message-acceptance rule needs it.
 *
 * @param reason the end reason
 * @param terminatedBy who ended it
 * @param exitCode the agent's exit code when known, else null
 * @param message the end message
 */
public record Ending(SessionEndReason reason, TerminatedBy terminatedBy, Integer exitCode, String message) {
  public Ending {
    requireNonNull(reason, "reason is null");
    requireNonNull(terminatedBy, "terminatedBy is null");
    requireNonNull(message, "message is null");
  }

  /** The ending of {@code POST …/terminate}. */
  public static Ending terminatedByDaemon() {
    return new Ending(SessionEndReason.TERMINATED, TerminatedBy.DAEMON, null, "terminated by daemon");
  }
}
