package dev.sandboxagent.plugins.codex;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.testkit.AdapterConformance;

/** The kit's checks every adapter passes. */
class CodexAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new CodexAdapter();
  }
}
