package dev.sandboxagent.plugins.claude;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.testkit.AdapterConformance;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The kit's checks every adapter passes. */
class ClaudeAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new ClaudeAdapter();
  }

  @Override
  protected Supplier<? extends EventTranslator> translators() {
    return ClaudeTranslator::new;
  }

  @Override
  protected Path recordings() {
    return Path.of("src/test/resources/native");
  }
}
