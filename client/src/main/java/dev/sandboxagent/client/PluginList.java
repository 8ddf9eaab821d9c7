package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The answer of {@code GET /v1/plugins}.
 *
 * @param plugins every plugin file
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PluginList(List<PluginInfo> plugins) {

  /** Copies the list. */
  public PluginList {
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
  }
}
