package dev.sandboxagent.api;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * The entry point of a plugin that serves several agents from one implementation, such as agents
 * described as data: an {@code @Extension} that returns one {@link AgentAdapter} per agent. The
 * host asks it when the plugin is loaded and serves each adapter as it would an {@code
 * AgentAdapter} extension of its own; a plugin may provide both kinds of extension.
 *
 * @since 1.2
 */
public interface AgentProvider extends ExtensionPoint {

  /**
   * The adapters of the agents this plugin serves, each with its own id. Called once when the
   * plugin is loaded; an agent whose description is broken is left out (and logged) rather than
   * failing the others.
   */
  List<AgentAdapter> adapters();

  /**
   * A directory whose files describe this provider's agents, or null (the default). The host watches
   * it as it watches the plugins directory: when a file in it appears, changes or goes, the plugin is
   * loaded again (as when its JAR is replaced), so that {@link #adapters()} is asked again; sessions
   * already running go on with the adapters they have. Asked once, when the plugin is loaded.
   */
  default Path watchedDirectory() {
    return null;
  }
}
