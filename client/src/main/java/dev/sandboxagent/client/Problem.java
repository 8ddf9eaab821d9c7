package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An RFC 7807 problem-details body as the daemon sends it.
 *
 * @param type {@code urn:sandbox-agent:error:<type>}
 * @param title short title
 * @param status HTTP status
 * @param detail human-readable detail, or null
 * @param instance the instance, or null
 * @param details the further {@code details} some problems add, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(String type, String title, int status, String detail, String instance, JsonNode details) {}
