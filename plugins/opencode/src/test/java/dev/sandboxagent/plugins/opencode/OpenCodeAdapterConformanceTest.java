package dev.sandboxagent.plugins.opencode;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.testkit.AdapterConformance;

/** The kit's checks every adapter passes. */
class OpenCodeAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new OpenCodeAdapter();
  }
}
