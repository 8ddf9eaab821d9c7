package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One plugin file of {@code GET /v1/plugins}.
 *
 * @param id plugin id, or null when the file could not be read
 * @param version plugin version, or null
 * @param file file name in the plugins directory
 * @param requires the plugin API versions it accepts, or null
 * @param state {@code loaded} or {@code failed}
 * @param agents the agents it serves
 * @param error why it failed, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PluginInfo(String id, String version, String file, String requires, String state, List<String> agents,
    String error) {

  /** Copies the list. */
  public PluginInfo {
    agents = agents == null ? List.of() : List.copyOf(agents);
  }
}
