package dev.sandboxagent.plugins.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import org.junit.jupiter.api.Test;

class ClaudeAdapterTest {

  private final ClaudeAdapter adapter = new ClaudeAdapter();

  @Test
  void describesTheAgentAsTheSpecSays() {
    AgentDescriptor descriptor = adapter.descriptor();
    assertThat(descriptor.id()).isEqualTo("claude");
    assertThat(descriptor.displayName()).isEqualTo("Claude Code");
    // The capability table for claude: exactly these flags are true.
    assertThat(descriptor.capabilities()).extracting(Capability::wireName).containsExactlyInAnyOrder(
        "textMessages");
    assertThat(descriptor.modes()).containsExactly(
        new AgentMode("build", "Build", "Default build mode"),
        new AgentMode("plan", "Plan", "Plan mode (prompt-only)"));
    assertThat(descriptor.anyAgentMode()).isFalse();
    // Permission modes: no forced bypass, all three are accepted as given
    assertThat(descriptor.permissionModes()).containsExactlyInAnyOrder(
        PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS);
    assertThat(descriptor.binaryName()).isEqualTo("claude");
    assertThat(descriptor.builtin()).isFalse();
    assertThat(descriptor.resumable()).isTrue();
    assertThat(adapter.assistantMessageEndsTurn()).isTrue();
  }

  @Test
  void refusesSessionsAndInstallsForNow() {
    // Neither call looks at its context yet.
    assertThatThrownBy(() -> adapter.open(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.UNSUPPORTED))
        .hasMessage("Claude Code sessions are not available in this build");
    assertThatThrownBy(() -> adapter.install(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.INSTALL_FAILED));
  }
}
