package dev.sandboxagent.host.store;

import static java.util.Objects.requireNonNull;

/**
 * How a stored session ended.
 *
 * @param reason the end reason's enum name
 * @param terminatedBy who ended it, as an enum name
 * @param exitCode the agent's exit code when known, else null
 * @param message the end message
 */
public record StoredEnding(String reason, String terminatedBy, Integer exitCode, String message) {
  public StoredEnding {
    requireNonNull(reason, "reason is null");
    requireNonNull(terminatedBy, "terminatedBy is null");
    requireNonNull(message, "message is null");
  }
}
