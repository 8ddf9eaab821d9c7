package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An agent's error as a session creation reports it.
 *
 * @param type error type
 * @param message message
 * @param agent agent id, or null
 * @param sessionId session id, or null
 * @param details details, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentError(String type, String message, String agent, @JsonProperty("session_id") String sessionId,
    JsonNode details) {}
