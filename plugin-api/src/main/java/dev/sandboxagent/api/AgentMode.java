package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

/**
 * An agent mode as listed by {@code GET /v1/agents/{agent}/modes}.
 *
 * @param id the value clients send as {@code agentMode}
 * @param name display name
 * @param description one line of description
 */
public record AgentMode(String id, String name, String description) {
  /** Validates the mode. */
  public AgentMode {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
  }
}
