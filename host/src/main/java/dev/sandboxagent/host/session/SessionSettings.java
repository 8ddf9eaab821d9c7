package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.PermissionMode;

/**
 * A session's normalized settings.
 *
 * @param agent the agent id
 * @param agentMode the normalized agent mode
 * @param permissionMode the normalized permission mode
 * @param model the requested model, or null
 * @param variant the requested variant, or null
 */
public record SessionSettings(
    String agent, String agentMode, PermissionMode permissionMode, String model, String variant) {
  public SessionSettings {
    requireNonNull(agent, "agent is null");
    requireNonNull(agentMode, "agentMode is null");
    requireNonNull(permissionMode, "permissionMode is null");
  }
}
