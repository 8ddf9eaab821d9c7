package dev.sandboxagent.host.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.host.plugin.LoadedAgent;
import org.junit.jupiter.api.Test;

class SharedServersTest {

  private static final AgentAdapter ADAPTER = new AgentAdapter() {
    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("a").permissionModes(PermissionMode.DEFAULT).build();
    }

    @Override
    public AgentSession open(SessionContext context) {
      throw new UnsupportedOperationException();
    }
  };
  private static final LoadedAgent AGENT = new LoadedAgent(ADAPTER, ADAPTER.descriptor(), "p", "1");

  record Server(String name) implements SharedServer {
    @Override
    public ServerStatus status() {
      return new ServerStatus("running", name, null, 0, null);
    }
  }

  @Test
  void oneServerPerScopeAndTenantsNeverShare() {
    SharedServers servers = new SharedServers();
    Server first = servers.get(AGENT, "", Server.class, () -> new Server("default"));
    assertThat(servers.get(AGENT, "", Server.class, () -> new Server("again"))).isSameAs(first);
    Server tenant = servers.get(AGENT, "t1", Server.class, () -> new Server("t1"));
    assertThat(tenant).isNotSameAs(first);
    assertThat(servers.status(AGENT, "t1").baseUrl()).isEqualTo("t1");
    assertThat(servers.status(AGENT, "t2").status()).as("the plugin's own answer").isEqualTo("stopped");
  }

  @Test
  void aPluginThatFailsToMakeOneIsAnAgentFailureAndNothingIsKept() {
    SharedServers servers = new SharedServers();
    assertThatThrownBy(() -> servers.get(AGENT, "", Server.class, () -> null)).isInstanceOf(AgentFailure.class);
    assertThatThrownBy(() -> servers.get(AGENT, "", Server.class, () -> {
      throw new IllegalStateException("broke");
    })).isInstanceOf(AgentFailure.class);
    assertThat(servers.get(AGENT, "", Server.class, () -> new Server("made"))).isEqualTo(new Server("made"));
  }

  @Test
  void afterShutdownNoneIsMade() {
    SharedServers servers = new SharedServers();
    servers.closeAll();
    assertThatThrownBy(() -> servers.get(AGENT, "", Server.class, () -> new Server("late")))
        .isInstanceOf(AgentFailure.class);
  }
}
