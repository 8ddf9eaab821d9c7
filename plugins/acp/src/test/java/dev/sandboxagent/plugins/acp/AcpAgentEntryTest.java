package dev.sandboxagent.plugins.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent entries: the shipped ones, a user's directory, and what a broken entry is told. */
class AcpAgentEntryTest {

  private static final Platform LINUX = new Platform("linux", "x64", false);

  @Test
  void shipsTheKnownAgentsWithTheirAcpCommandLines() {
    List<AcpAgentEntry> shipped = AcpAgents.shipped();
    assertThat(shipped).extracting(AcpAgentEntry::id)
        .containsExactly("gemini", "qwen", "copilot", "claude-acp", "codex-acp", "opencode-acp");
    assertThat(shipped).extracting(e -> e.binary() + " " + String.join(" ", e.args()))
        .containsExactly("gemini --acp", "qwen --acp", "copilot --acp", "claude-agent-acp ", "codex-acp ",
            "opencode acp");
    for (AcpAgentEntry entry : shipped) {
      AgentDescriptor descriptor = entry.descriptor();
      assertThat(descriptor.capabilities()).containsAll(AcpAgentEntry.BASELINE);
      assertThat(descriptor.acceptsAgentMode("build")).as(entry.id()).isTrue();
      assertThat(descriptor.permissionModes()).contains(PermissionMode.DEFAULT);
      assertThat(new AcpAdapter(entry).descriptor()).isEqualTo(descriptor);
    }
  }

  @Test
  void nativeProgramsInstallFromTheirNpmPlatformPackagesAndNodeProgramsFromTheirPinnedPackages() {
    assertThat(AcpTestEntries.adapter("opencode-acp").installSources(LINUX))
        .containsExactly(new InstallSource.Npm("opencode-ai", "opencode-linux-x64", "bin/opencode"));
    assertThat(AcpTestEntries.adapter("copilot").installSources(new Platform("linux", "arm64", true)))
        .containsExactly(new InstallSource.Npm("@github/copilot", "@github/copilot-linuxmusl-arm64", "copilot"));
    AcpAgentEntry linuxOnly = AcpTestEntries.entry("""
        {"id": "native", "install": {"npm": "native-agent", "bin": "native", "platformPackages":
         {"linux-x64": "native-agent-linux-x64"}}}
        """);
    assertThat(linuxOnly.installSources(new Platform("darwin", "arm64", false))).isEmpty();
    assertThat(linuxOnly.installHint()).isEqualTo("native-agent has no build for this platform; put `native` on PATH");
    assertThat(AcpTestEntries.adapter("qwen").installSources(LINUX))
        .containsExactly(new InstallSource.NodePackage("@qwen-code/qwen-code", "0.15.10", "qwen"));
    assertThat(AcpTestEntries.adapter("gemini").installSources(LINUX))
        .containsExactly(new InstallSource.NodePackage("@google/gemini-cli", "0.61.0", "gemini"));
    assertThat(AcpTestEntries.adapter("claude-acp").installSources(LINUX)).containsExactly(
        new InstallSource.NodePackage("@agentclientprotocol/claude-agent-acp", "0.49.0", "claude-agent-acp"));
    assertThat(AcpTestEntries.adapter("codex-acp").installSources(LINUX))
        .containsExactly(new InstallSource.NodePackage("@agentclientprotocol/codex-acp", "2.6.0", "codex-acp"));
    assertThat(AcpTestEntries.adapter("gemini").entry().installHint())
        .isEqualTo("install it with `sandbox-agent install-agent gemini` (it needs npm) or put `gemini` on PATH");
  }

  @Test
  void aUserEntryNamesANodePackageWithOrWithoutAVersion() {
    assertThat(AcpTestEntries.entry("""
        {"id": "mine", "install": {"npm": "my-acp-agent", "bin": "my-acp"}}
        """).installSources(LINUX)).containsExactly(new InstallSource.NodePackage("my-acp-agent", null, "my-acp"));
    assertThat(AcpTestEntries.entry("""
        {"id": "mine", "install": {"npm": "my-acp-agent", "version": "1.2.3", "bin": "my-acp"}}
        """).installSources(LINUX)).containsExactly(new InstallSource.NodePackage("my-acp-agent", "1.2.3", "my-acp"));
    assertThat(AcpTestEntries.entry("""
        {"id": "mine", "install": {"path": "my-acp"}}
        """).installSources(LINUX)).isEmpty();
  }

  @Test
  void modesSelectAcpModesAndThePermissionModeWins() {
    AcpAgentEntry gemini = AcpTestEntries.adapter("gemini").entry();
    assertThat(gemini.acpMode("build", PermissionMode.DEFAULT)).isEqualTo("default");
    assertThat(gemini.acpMode("plan", PermissionMode.DEFAULT)).isEqualTo("plan");
    assertThat(gemini.acpMode("build", PermissionMode.BYPASS)).isEqualTo("yolo");
    assertThat(AcpTestEntries.fake().acpMode("build", PermissionMode.DEFAULT)).isNull();
  }

  @Test
  void aUsersDirectoryAddsAndReplacesEntriesAndSkipsBrokenOnes(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mine.json"), """
        {"id": "mine", "displayName": "Mine", "install": {"path": "my-agent"}, "args": ["--stdio"],
         "env": {"MY_AGENT_MODE": "acp"}, "capabilities": ["images"], "idleTimeoutSeconds": 30}
        """);
    Files.writeString(dir.resolve("gemini.json"), """
        {"id": "gemini", "displayName": "My Gemini", "install": {"path": "gemini-nightly"}, "args": ["--acp"]}
        """);
    Files.writeString(dir.resolve("broken.json"), "{\"id\": \"mine2\"");
    Files.writeString(dir.resolve("notes.txt"), "not an entry");
    List<AcpAgentEntry> all = AcpAgents.all(dir);
    assertThat(all).extracting(AcpAgentEntry::id)
        .containsExactly("gemini", "qwen", "copilot", "claude-acp", "codex-acp", "opencode-acp", "mine");
    assertThat(all.get(0).binary()).isEqualTo("gemini-nightly");
    AcpAgentEntry mine = all.get(6);
    assertThat(mine.env()).containsEntry("MY_AGENT_MODE", "acp");
    assertThat(mine.descriptor().has(Capability.IMAGES)).isTrue();
    assertThat(mine.descriptor().idleTimeout().toSeconds()).isEqualTo(30);
    assertThat(mine.descriptor().modes()).extracting(m -> m.id()).containsExactly("build");
  }

  @Test
  void aMissingDirectoryAddsNothing(@TempDir Path dir) {
    assertThat(AcpAgents.user(dir.resolve("absent"))).isEmpty();
    assertThat(AcpAgents.user(null)).isEmpty();
  }

  @Test
  void brokenEntriesAreToldWhatIsWrong() {
    assertThatThrownBy(() -> AcpTestEntries.entry("[]")).hasMessage("an entry is a JSON object");
    assertThatThrownBy(() -> AcpTestEntries.entry("{\"install\": {\"path\": \"x\"}}"))
        .hasMessage("id must be a non-blank string");
    assertThatThrownBy(() -> AcpTestEntries.entry("{\"id\": \"x\"}")).hasMessageStartingWith("install must be an object");
    assertThatThrownBy(() -> AcpTestEntries.entry("{\"id\": \"x\", \"install\": {\"npm\": \"pkg\"}}"))
        .hasMessage("bin must be a non-blank string");
    assertThatThrownBy(() -> AcpTestEntries.entry("{\"id\": \"x\", \"install\": {\"path\": \"/usr/bin/x\"}}"))
        .hasMessage("install.bin/install.path is a program name, not a path: /usr/bin/x");
    assertThatThrownBy(() -> AcpTestEntries.entry("{\"id\": \"Bad Id\", \"install\": {\"path\": \"x\"}}"))
        .hasMessage("invalid agent id: Bad Id");
    assertThatThrownBy(() -> AcpTestEntries.entry(
        "{\"id\": \"x\", \"install\": {\"path\": \"x\"}, \"capabilities\": [\"teleport\"]}"))
        .hasMessage("unknown capability teleport");
    assertThatThrownBy(() -> AcpTestEntries.entry(
        "{\"id\": \"x\", \"install\": {\"path\": \"x\"}, \"permissionModes\": {\"yolo\": null}}"))
        .hasMessage("unknown permission mode yolo (default, plan or bypass)");
    assertThatThrownBy(() -> AcpTestEntries.entry(
        "{\"id\": \"x\", \"install\": {\"path\": \"x\"}, \"args\": \"--acp\"}"))
        .hasMessage("args must be an array of strings");
    assertThatThrownBy(() -> AcpTestEntries.entry(
        "{\"id\": \"x\", \"install\": {\"path\": \"x\"}, \"env\": {\"A\": 1}}"))
        .hasMessage("env.A must be a string");
    assertThatThrownBy(() -> AcpTestEntries.entry(
        "{\"id\": \"x\", \"install\": {\"path\": \"x\", \"version\": \"1.0.0\"}}"))
        .hasMessage("install.version needs install.npm");
    assertThatThrownBy(() -> AcpTestEntries.entry(
        "{\"id\": \"x\", \"install\": {\"npm\": \"pkg\", \"bin\": \"x\", \"version\": 2}}"))
        .hasMessage("version must be a non-blank string");
  }

  @Test
  void theProviderServesAnAdapterPerEntry() {
    assertThat(new AcpProvider().adapters()).extracting(a -> a.descriptor().id())
        .contains("gemini", "qwen", "copilot", "claude-acp", "codex-acp", "opencode-acp");
  }
}
