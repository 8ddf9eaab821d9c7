package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One of an agent's modes.
 *
 * @param id mode id
 * @param name display name
 * @param description description
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentMode(String id, String name, String description) {}
