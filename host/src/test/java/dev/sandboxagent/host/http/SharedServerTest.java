package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.host.CorsConfig;
import dev.sandboxagent.host.HostConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server an agent shares among sessions, kept by the host: made once, listed, closed at shutdown. */
class SharedServerTest {

  @TempDir
  Path tmp;

  /** Counts the sessions that use it; its state names that count. */
  static final class CountingServer implements SharedServer {
    static final AtomicInteger MADE = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    final AtomicInteger sessions = new AtomicInteger();

    CountingServer() {
      MADE.incrementAndGet();
    }

    @Override
    public ServerStatus status() {
      return new ServerStatus("running", "sessions:" + sessions.get(), 1L, 0, null);
    }

    @Override
    public void close() {
      CLOSED.incrementAndGet();
    }
  }

  /** An agent whose sessions all use the shared counting server. */
  static final class SharingAdapter implements AgentAdapter {
    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("sharing")
          .capabilities(Capability.TEXT_MESSAGES, Capability.SHARED_PROCESS)
          .mode("build", "Build", "Shares a server")
          .permissionModes(PermissionMode.DEFAULT)
          .builtin(true)
          .build();
    }

    @Override
    public AgentSession open(SessionContext context) {
      context.sharedServer(CountingServer.class, CountingServer::new).sessions.incrementAndGet();
      return new AgentSession() {
        @Override
        public String nativeSessionId() {
          return null;
        }

        @Override
        public void send(String message) {}

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void sessionsOfAScopeShareOneServerThatIsListedAndClosedWithTheDaemon() {
    int made = CountingServer.MADE.get();
    int closed = CountingServer.CLOSED.get();
    TestServer server = TestServer.start(tmp, null, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new SharingAdapter()));
    try {
      JsonNode before = TestServer.json(server.get("/v1/agents")).get("agents").get(0).get("serverStatus");
      assertThat(before.get("status").asText()).as("nothing made before the first session").isEqualTo("stopped");

      for (String id : List.of("a", "b", "c")) {
        assertThat(server.post("/v1/sessions/" + id, "{\"agent\":\"sharing\"}").statusCode()).isEqualTo(200);
      }
      assertThat(CountingServer.MADE.get() - made).isEqualTo(1);
      JsonNode status = TestServer.json(server.get("/v1/agents")).get("agents").get(0).get("serverStatus");
      assertThat(status.get("status").asText()).isEqualTo("running");
      assertThat(status.get("baseUrl").asText()).isEqualTo("sessions:3");
      assertThat(CountingServer.CLOSED.get() - closed).isZero();
    } finally {
      server.close();
    }
    assertThat(CountingServer.CLOSED.get() - closed).as("closed with the daemon").isEqualTo(1);
  }
}
