package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One agent of {@code GET /v1/agents}.
 *
 * @param id agent id
 * @param installed whether its program is installed
 * @param path the program's path, or null
 * @param version its version, or null
 * @param capabilities what it can do
 * @param serverStatus its shared server's state, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentInfo(String id, boolean installed, String path, String version, AgentCapabilities capabilities,
    ServerStatusInfo serverStatus) {}
