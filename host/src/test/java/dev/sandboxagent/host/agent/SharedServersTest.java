package dev.sandboxagent.host.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.PermissionMode;

import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** A server whose runs the test decides: how many starts fail, and when it stops. */
  static final class Server implements SharedServer {
    final String name;
    final AtomicInteger starts = new AtomicInteger();
    volatile int failures;
    volatile AgentException.Kind failureKind = AgentException.Kind.STREAM_ERROR;
    volatile boolean running;
    volatile String stopReason;
    volatile boolean closed;

    Server(String name) {
      this.name = name;
    }

    @Override
    public void start(SessionContext context) {
      int attempt = starts.incrementAndGet();
      if (attempt <= failures) {
        throw new AgentException(failureKind, name + " failed to start (" + attempt + ")");
      }
      stopReason = null;
      running = true;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public String url() {
      return "http://" + name;
    }

    @Override
    public String stopReason() {
      return stopReason;
    }

    void exit(String reason) {
      running = false;
      stopReason = reason;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static Server get(SharedServers servers, String scope, Server made) {
    return servers.get(AGENT, scope, Server.class, () -> made, null);
  }

  @Test
  void oneServerPerScopeStartedOnceAndTenantsNeverShare() {
    SharedServers servers = new SharedServers();
    Server first = get(servers, "", new Server("default"));
    assertThat(get(servers, "", new Server("again"))).isSameAs(first);
    assertThat(first.starts).hasValue(1);
    Server tenant = get(servers, "t1", new Server("t1"));
    assertThat(tenant).isNotSameAs(first);
    ServerStatus status = servers.status(AGENT, "t1");
    assertThat(status.status()).isEqualTo("running");
    assertThat(status.baseUrl()).isEqualTo("http://t1");
    assertThat(status.restartCount()).isZero();
    assertThat(status.uptimeMs()).isNotNull();
    assertThat(servers.status(AGENT, "t2").status()).as("the plugin's own answer").isEqualTo("stopped");
  }

  @Test
  void aServerThatStoppedIsListedWithWhyAndStartedAgainOnItsNextUse() {
    SharedServers servers = new SharedServers();
    Server server = get(servers, "", new Server("s"));
    server.exit("agent server exited with status 3: fatal");

    ServerStatus stopped = servers.status(AGENT, "");
    assertThat(stopped.status()).isEqualTo("error");
    assertThat(stopped.lastError()).isEqualTo("agent server exited with status 3: fatal");
    assertThat(stopped.uptimeMs()).isNull();

    assertThat(get(servers, "", new Server("other"))).isSameAs(server);
    assertThat(server.starts).hasValue(2);
    ServerStatus again = servers.status(AGENT, "");
    assertThat(again.status()).isEqualTo("running");
    assertThat(again.restartCount()).isEqualTo(1);
    assertThat(again.lastError()).as("why it was restarted").isEqualTo("agent server exited with status 3: fatal");
  }

  @Test
  void aFailingStartIsTriedThreeTimesThenTheCallerIsToldWhyAndTheNextUseTriesAgain() {
    SharedServers servers = new SharedServers();
    Server server = new Server("s");
    server.failures = 4;
    assertThatThrownBy(() -> get(servers, "", server)).isInstanceOf(AgentFailure.class)
        .hasMessageContaining("s failed to start (3)");
    assertThat(server.starts).hasValue(SharedServers.ATTEMPTS);
    ServerStatus failed = servers.status(AGENT, "");
    assertThat(failed.status()).isEqualTo("error");
    assertThat(failed.lastError()).contains("s failed to start (3)");

    assertThat(get(servers, "", new Server("other"))).isSameAs(server);
    assertThat(server.starts).hasValue(5);
    assertThat(servers.status(AGENT, "").status()).isEqualTo("running");
    assertThat(servers.status(AGENT, "").restartCount()).isEqualTo(4);
  }

  @Test
  void aProgramThatIsNotInstalledIsNotTriedAgain() {
    SharedServers servers = new SharedServers();
    Server server = new Server("s");
    server.failures = 1;
    server.failureKind = AgentException.Kind.NOT_INSTALLED;
    assertThatThrownBy(() -> get(servers, "", server)).isInstanceOfSatisfying(AgentFailure.class,
        e -> assertThat(e.kind()).isEqualTo(AgentFailure.Kind.NOT_INSTALLED));
    assertThat(server.starts).hasValue(1);
  }

  @Test
  void sessionsAskingAtOnceStartTheServerOnce() throws Exception {
    SharedServers servers = new SharedServers();
    Server server = new Server("s");
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(Thread.ofVirtual().start(() -> get(servers, "", server)));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(server.starts).hasValue(1);
  }

  /** A server written for SPI 1.1: it starts itself and reports its own state. */
  static final class OwnStatusServer implements SharedServer {
    @Override
    public ServerStatus status() {
      return new ServerStatus("running", "http://own", 5L, 2, null);
    }
  }

  @Test
  void aServerOfSpi11IsListedWithItsOwnStatus() {
    SharedServers servers = new SharedServers();
    OwnStatusServer server = servers.get(AGENT, "", OwnStatusServer.class, OwnStatusServer::new, null);
    assertThat(servers.get(AGENT, "", OwnStatusServer.class, OwnStatusServer::new, null)).isSameAs(server);
    assertThat(servers.status(AGENT, "")).isEqualTo(new ServerStatus("running", "http://own", 5L, 2, null));
  }

  @Test
  void aPluginThatFailsToMakeOneIsAnAgentFailureAndNothingIsKept() {
    SharedServers servers = new SharedServers();
    assertThatThrownBy(() -> servers.get(AGENT, "", Server.class, () -> null, null)).isInstanceOf(AgentFailure.class);
    assertThatThrownBy(() -> servers.get(AGENT, "", Server.class, () -> {
      throw new IllegalStateException("broke");
    }, null)).isInstanceOf(AgentFailure.class);
    Server made = new Server("made");
    assertThat(get(servers, "", made)).isSameAs(made);
  }

  @Test
  void shutdownClosesEveryServerAndAfterItNoneIsMade() {
    SharedServers servers = new SharedServers();
    Server server = get(servers, "", new Server("s"));
    servers.closeAll();
    assertThat(server.closed).isTrue();
    assertThatThrownBy(() -> get(servers, "", new Server("late"))).isInstanceOf(AgentFailure.class);
  }
}
