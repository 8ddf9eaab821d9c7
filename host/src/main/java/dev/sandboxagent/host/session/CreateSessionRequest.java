package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

/**
 * A session creation request as the client sent it (optional fields null when absent).
 *
 * @param agent the agent id
 * @param agentMode the agent mode, or null for {@code build}
 * @param permissionMode the permission mode, or null for {@code default}
 * @param model the model, or null
 * @param variant the variant, or null
 * @param agentVersion the version to install if the agent has to be installed now, or null
 */
public record CreateSessionRequest(
    String agent, String agentMode, String permissionMode, String model, String variant, String agentVersion) {
  public CreateSessionRequest {
    requireNonNull(agent, "agent is null");
  }
}
