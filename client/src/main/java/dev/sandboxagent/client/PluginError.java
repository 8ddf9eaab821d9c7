package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A plugin that could not be loaded.
 *
 * @param plugin plugin id
 * @param file file name
 * @param message why
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PluginError(String plugin, String file, String message) {}
