package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The answer of {@code POST /v1/sessions/{id}}.
 *
 * @param healthy whether the agent is ready
 * @param nativeSessionId the agent's own session id, or null
 * @param error why the agent is not healthy, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionCreated(boolean healthy, String nativeSessionId, AgentError error) {}
