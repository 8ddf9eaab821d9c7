package dev.sandboxagent.plugins.codex;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.testkit.AdapterConformance;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The kit's checks every adapter passes. */
class CodexAdapterConformanceTest extends AdapterConformance {

  @Override
  protected AgentAdapter adapter() {
    return new CodexAdapter();
  }

  @Override
  protected Supplier<? extends EventTranslator> translators() {
    return () -> new CodexTranslator("");
  }

  @Override
  protected Path recordings() {
    return Path.of("src/test/resources/native");
  }
}
