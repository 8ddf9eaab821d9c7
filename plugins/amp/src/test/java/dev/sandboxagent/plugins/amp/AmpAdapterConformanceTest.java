package dev.sandboxagent.plugins.amp;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.testkit.AdapterConformance;

/** The kit's checks every adapter passes. */
class AmpAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new AmpAdapter();
  }
}
