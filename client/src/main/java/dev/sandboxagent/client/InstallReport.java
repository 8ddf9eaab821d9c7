package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What an install did ({@code Prefer: return=representation}).
 *
 * @param agent agent id
 * @param downloaded false when the program was already there
 * @param version installed version, or null
 * @param path installed program, or null
 * @param source where it was installed from (when downloaded), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InstallReport(String agent, boolean downloaded, String version, String path, String source) {}
