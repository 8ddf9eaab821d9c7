package dev.sandboxagent.plugins.claude;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.testkit.AdapterConformance;

/** The kit's checks every adapter passes. */
class ClaudeAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new ClaudeAdapter();
  }
}
