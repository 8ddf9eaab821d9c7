package dev.sandboxagent.plugins.amp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import org.junit.jupiter.api.Test;

class AmpAdapterTest {

  private final AmpAdapter adapter = new AmpAdapter();

  @Test
  void describesTheAgentAsTheSpecSays() {
    AgentDescriptor descriptor = adapter.descriptor();
    assertThat(descriptor.id()).isEqualTo("amp");
    assertThat(descriptor.displayName()).isEqualTo("Amp");
    // The capability table for amp: exactly these flags are true.
    assertThat(descriptor.capabilities()).extracting(Capability::wireName).containsExactlyInAnyOrder(
        "toolCalls",
        "toolResults",
        "textMessages",
        "errorEvents",
        "reasoning",
        "status",
        "itemStarted");
    assertThat(descriptor.modes()).containsExactly(
        new AgentMode("build", "Build", "Default build mode"));
    assertThat(descriptor.anyAgentMode()).isFalse();
    assertThat(descriptor.permissionModes()).containsExactlyInAnyOrder(PermissionMode.DEFAULT, PermissionMode.BYPASS);
    assertThat(descriptor.binaryName()).isEqualTo("amp");
    assertThat(descriptor.builtin()).isFalse();
    assertThat(descriptor.resumable()).isTrue();
    assertThat(adapter.assistantMessageEndsTurn()).as("turns end with turn.completed").isFalse();
  }

  @Test
  void aSilentTurnIsAHangAfterTwoMinutes() {
    assertThat(new AmpAdapter().descriptor().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(120));
  }

  @Test
  void installsThroughTheHostNotItself() {
    assertThatThrownBy(() -> adapter.install(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.INSTALL_FAILED));
  }
}
