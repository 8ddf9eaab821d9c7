package dev.sandboxagent.plugins.acp;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.testkit.AdapterConformance;

/** The kit's checks every adapter passes, for an ACP agent the daemon installs from npm. */
class AcpAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return AcpTestEntries.adapter("opencode-acp");
  }
}
