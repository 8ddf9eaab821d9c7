package dev.sandboxagent.plugins.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.testkit.TestInstallContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockAdapterTest {

  private static InstallContext installInto(Path dir, boolean reinstall) {
    return new TestInstallContext(dir, reinstall, null);
  }

  @Test
  void describesTheMockAgent() {
    AgentDescriptor descriptor = new MockAdapter().descriptor();
    assertThat(descriptor.id()).isEqualTo("mock");
    assertThat(descriptor.displayName()).isEqualTo("Mock");
    assertThat(descriptor.capabilities())
        .isEqualTo(EnumSet.complementOf(EnumSet.of(Capability.SHARED_PROCESS)))
        .hasSize(Capability.values().length - 1);
    assertThat(descriptor.modes()).containsExactly(
        new AgentMode("build", "Build", "Mock agent for UI testing"),
        new AgentMode("plan", "Plan", "Plan-only mock mode"));
    assertThat(descriptor.anyAgentMode()).isFalse();
    assertThat(descriptor.permissionModes())
        .containsExactlyInAnyOrder(PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS);
    assertThat(descriptor.binaryName()).isEqualTo("mock");
    assertThat(descriptor.builtin()).isTrue();
    assertThat(descriptor.resumable()).isFalse();
  }

  @Test
  void keepsTheDefaultBehaviourForListingModesAndTurns(@TempDir Path dir) {
    AgentAdapter adapter = new MockAdapter();
    assertThat(adapter.listModes(installInto(dir, false))).isEqualTo(adapter.descriptor().modes());
    assertThat(adapter.assistantMessageEndsTurn()).isTrue();
  }

  @Test
  void opensASessionWithoutEmittingAnything() {
    FakeSessionContext context = FakeSessionContext.threaded();
    AgentSession session = new MockAdapter().open(context);
    assertThat(session.nativeSessionId()).isEqualTo("mock-s");
    assertThat(context.batches).isEmpty();
    assertThat(context.taskNames).isEmpty();
    session.close();
  }

  @Test
  void installWritesThePlaceholderOnceAndNeverOverwritesIt(@TempDir Path dir) throws Exception {
    MockAdapter adapter = new MockAdapter();
    adapter.install(installInto(dir, false));
    Path file = dir.resolve("mock");
    assertThat(Files.readAllBytes(file)).containsExactly('m', 'o', 'c', 'k');
    adapter.install(installInto(dir, false));
    assertThat(Files.readString(file)).isEqualTo("mock");
    Files.writeString(file, "mine");
    adapter.install(installInto(dir, true));
    assertThat(Files.readString(file)).isEqualTo("mine");
  }

  @Test
  void installFailsClearlyWhenTheDirectoryIsMissing(@TempDir Path dir) {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> new MockAdapter().install(installInto(missing, false)))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.INSTALL_FAILED))
        .hasMessageContaining(missing.resolve("mock").toString());
  }
}
