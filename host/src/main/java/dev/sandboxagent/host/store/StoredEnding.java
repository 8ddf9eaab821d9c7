package dev.sandboxagent.host.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * How a stored session ended.
 *
 * @param reason the end reason's enum name
 * @param terminatedBy who ended it, as an enum name
 * @param exitCode the agent's exit code when known, else null
 * @param message the end message
 * @param at when it ended
 */
public record StoredEnding(String reason, String terminatedBy, Integer exitCode, String message, Instant at) {
  public StoredEnding {
    requireNonNull(at, "at is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(terminatedBy, "terminatedBy is null");
    requireNonNull(message, "message is null");
  }
}
