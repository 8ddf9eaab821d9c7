package dev.sandboxagent.host.plugin;

import static java.util.Objects.requireNonNull;

/**
 * A plugin that could not be loaded.
 *
 * @param pluginId the plugin id when its descriptor could be read, else the file name
 * @param file the plugin file name
 * @param message why it failed
 */
public record PluginFailure(String pluginId, String file, String message) {
  public PluginFailure {
    requireNonNull(pluginId, "pluginId is null");
    requireNonNull(file, "file is null");
    requireNonNull(message, "message is null");
  }
}
