package org.example.echoagent;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.testkit.AdapterConformance;

/** The kit's checks: a sane descriptor, an idempotent install, a deterministic translator. */
class EchoAgentConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new EchoAgentAdapter();
  }
}
