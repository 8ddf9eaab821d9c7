package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One session of {@code GET /v1/sessions}.
 *
 * @param sessionId session id
 * @param agent agent id
 * @param agentMode agent mode
 * @param permissionMode permission mode
 * @param model model, or null
 * @param variant variant, or null
 * @param nativeSessionId the agent's session id, or null
 * @param ended whether the session has ended
 * @param eventCount events recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionInfo(String sessionId, String agent, String agentMode, String permissionMode, String model,
    String variant, String nativeSessionId, boolean ended, long eventCount) {}
