package dev.sandboxagent.host.plugin;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;

/**
 * An agent the host can serve: the adapter, its descriptor (read once), and where it came from.
 *
 * @param adapter the plugin's adapter
 * @param descriptor its descriptor
 * @param pluginId the pf4j plugin id, or {@code builtin} for adapters registered in code
 * @param pluginVersion the plugin's version, or null
 */
public record LoadedAgent(AgentAdapter adapter, AgentDescriptor descriptor, String pluginId, String pluginVersion) {
  public LoadedAgent {
    requireNonNull(adapter, "adapter is null");
    requireNonNull(descriptor, "descriptor is null");
    requireNonNull(pluginId, "pluginId is null");
  }

  /** The agent id. */
  public String id() {
    return descriptor.id();
  }
}
