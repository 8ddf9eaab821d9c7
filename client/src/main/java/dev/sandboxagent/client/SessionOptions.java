package dev.sandboxagent.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /v1/sessions/{id}}: the agent, and optionally its mode, permission mode,
 * model, variant and version (null leaves the daemon's default).
 *
 * @param agent agent id
 * @param agentMode agent mode, or null
 * @param permissionMode permission mode ({@code default}, {@code plan}, {@code bypass}), or null
 * @param model model, or null
 * @param variant variant, or null
 * @param agentVersion agent version, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionOptions(String agent, String agentMode, String permissionMode, String model, String variant,
    String agentVersion) {

  /** Validates the agent. */
  public SessionOptions {
    requireNonNull(agent, "agent is null");
  }

  /** A session of this agent with the daemon's defaults. */
  public static SessionOptions of(String agent) {
    return new SessionOptions(agent, null, null, null, null, null);
  }

  /** This with another agent mode. */
  public SessionOptions withAgentMode(String mode) {
    return new SessionOptions(agent, mode, permissionMode, model, variant, agentVersion);
  }

  /** This with another permission mode. */
  public SessionOptions withPermissionMode(String mode) {
    return new SessionOptions(agent, agentMode, mode, model, variant, agentVersion);
  }

  /** This with another model. */
  public SessionOptions withModel(String newModel) {
    return new SessionOptions(agent, agentMode, permissionMode, newModel, variant, agentVersion);
  }
}
