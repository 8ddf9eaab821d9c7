package dev.sandboxagent.plugins.mock;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.testkit.AdapterConformance;

/** The kit's checks every adapter passes. */
class MockAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new MockAdapter();
  }
}
