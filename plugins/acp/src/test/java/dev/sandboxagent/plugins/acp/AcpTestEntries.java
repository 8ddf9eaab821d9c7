package dev.sandboxagent.plugins.acp;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Entries and adapters for tests: the shipped ones and the scripted agent's. */
final class AcpTestEntries {

  /** The scripted ACP agent, a real program. */
  static final Path FAKE_AGENT = Path.of("src/test/resources/fake-acp/fake-acp").toAbsolutePath();

  private AcpTestEntries() {}

  /** The adapter of the shipped entry {@code id}. */
  static AcpAdapter adapter(String id) {
    return new AcpAdapter(AcpAgents.shipped().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow());
  }

  /** An entry parsed from {@code json}. */
  static AcpAgentEntry entry(String json) {
    try {
      return AcpAgentEntry.parse(new ObjectMapper().readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The scripted agent's entry: plan and bypass select its ACP modes. */
  static AcpAgentEntry fake() {
    return entry("""
        {"id": "fake-acp", "displayName": "Fake ACP", "install": {"path": "fake-acp"},
         "modes": [{"id": "plan", "name": "Plan", "acpMode": "plan"}],
         "permissionModes": {"default": null, "bypass": "yolo"}}
        """);
  }
}
