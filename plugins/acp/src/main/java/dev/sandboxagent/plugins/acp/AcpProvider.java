package dev.sandboxagent.plugins.acp;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentProvider;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.Extension;

/**
 * Serves every ACP agent described as data ({@link AcpAgents}), one {@link AcpAdapter} each; the
 * host watches the user's entry directory and loads the plugin again when an entry changes.
 */
@Extension
public class AcpProvider implements AgentProvider {

  @Override
  public List<AgentAdapter> adapters() {
    return AcpAgents.all(AcpAgents.userDirectory()).stream().<AgentAdapter>map(AcpAdapter::new).toList();
  }

  @Override
  public Path watchedDirectory() {
    return AcpAgents.userDirectory();
  }
}
