package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The answer of {@code GET /v1/health}.
 *
 * @param status {@code ok}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Health(String status) {}
