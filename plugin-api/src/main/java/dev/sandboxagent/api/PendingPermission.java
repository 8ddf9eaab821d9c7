package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

/**
 * A permission the agent asked for and the client has not answered yet.
 *
 * @param permissionId the id clients reply to
 * @param action what the agent wants to do
 * @param metadata details from the request, or null
 * @param raw the native request that produced it, or null
 */
public record PendingPermission(String permissionId, String action, Object metadata, Object raw) {
  /** Validates the request. */
  public PendingPermission {
    requireNonNull(permissionId, "permissionId is null");
    requireNonNull(action, "action is null");
  }
}
