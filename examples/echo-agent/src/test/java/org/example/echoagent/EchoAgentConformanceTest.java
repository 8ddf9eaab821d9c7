package org.example.echoagent;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.testkit.AdapterConformance;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The kit's checks: a sane descriptor, an idempotent install, a deterministic translator. */
class EchoAgentConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new EchoAgentAdapter();
  }

  @Override
  protected Supplier<? extends EventTranslator> translators() {
    return EchoTranslator::new;
  }

  @Override
  protected Path recordings() {
    return Path.of("src/test/resources/native");
  }
}
