package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import org.junit.jupiter.api.Test;

class CodexAdapterTest {

  private final CodexAdapter adapter = new CodexAdapter();

  @Test
  void describesTheAgentAsTheSpecSays() {
    AgentDescriptor descriptor = adapter.descriptor();
    assertThat(descriptor.id()).isEqualTo("codex");
    assertThat(descriptor.displayName()).isEqualTo("Codex");
    // The capability table for codex: exactly these flags are true.
    assertThat(descriptor.capabilities()).extracting(Capability::wireName).containsExactlyInAnyOrder(
        "planMode",
        "permissions",
        "toolCalls",
        "toolResults",
        "textMessages",
        "images",
        "fileAttachments",
        "sessionLifecycle",
        "errorEvents",
        "reasoning",
        "status",
        "commandExecution",
        "fileChanges",
        "mcpTools",
        "streamingDeltas",
        "itemStarted",
        "sharedProcess");
    assertThat(descriptor.modes()).containsExactly(
        new AgentMode("build", "Build", "Default build mode"),
        new AgentMode("plan", "Plan", "Planning mode via prompt prefix"));
    assertThat(descriptor.anyAgentMode()).isFalse();
    assertThat(descriptor.permissionModes()).containsExactlyInAnyOrder(
        PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS);
    assertThat(descriptor.binaryName()).isEqualTo("codex");
    assertThat(descriptor.builtin()).isFalse();
    assertThat(descriptor.resumable()).isTrue();
    assertThat(adapter.assistantMessageEndsTurn()).isFalse();
  }

  @Test
  void refusesSessionsAndInstallsForNow() {
    // Neither call looks at its context yet.
    assertThatThrownBy(() -> adapter.open(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.UNSUPPORTED))
        .hasMessage("Codex sessions are not available in this build");
    assertThatThrownBy(() -> adapter.install(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.INSTALL_FAILED));
  }
}
