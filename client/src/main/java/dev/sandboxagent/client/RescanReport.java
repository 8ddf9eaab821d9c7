package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The answer of {@code POST /v1/plugins/rescan}.
 *
 * @param plugins every plugin file after the rescan
 * @param rescan what changed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RescanReport(List<PluginInfo> plugins, Changes rescan) {

  /** Copies the list. */
  public RescanReport {
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
  }

  /**
   * What a rescan changed, by plugin id.
   *
   * @param added newly loaded
   * @param removed unloaded
   * @param replaced reloaded from a new file
   * @param pending waiting for their sessions to end
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Changes(List<String> added, List<String> removed, List<String> replaced, List<String> pending) {}
}
