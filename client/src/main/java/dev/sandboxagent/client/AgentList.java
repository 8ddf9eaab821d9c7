package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The answer of {@code GET /v1/agents}.
 *
 * @param agents every agent
 * @param pluginErrors plugins that could not be loaded (shown to administrators; empty otherwise)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentList(List<AgentInfo> agents, List<PluginError> pluginErrors) {

  /** Copies the lists; a missing {@code pluginErrors} is empty. */
  public AgentList {
    agents = agents == null ? List.of() : List.copyOf(agents);
    pluginErrors = pluginErrors == null ? List.of() : List.copyOf(pluginErrors);
  }
}
