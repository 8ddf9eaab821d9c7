package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The state of an agent's shared server.
 *
 * @param status {@code running}, {@code starting}, {@code stopped} or {@code error}
 * @param restartCount restarts so far
 * @param baseUrl its address, or null
 * @param lastError its last error, or null
 * @param uptimeMs its uptime, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServerStatusInfo(String status, long restartCount, String baseUrl, String lastError, Long uptimeMs) {}
