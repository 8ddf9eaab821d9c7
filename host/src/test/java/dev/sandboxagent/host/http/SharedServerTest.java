package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.host.daemon.HostConfig;
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

  /** Runs a real shared process and counts the sessions that use it; its URL names that count. */
  static final class CountingServer implements SharedServer {
    static final AtomicInteger MADE = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    static volatile CountingServer last;
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();
    volatile AgentProcess process;
    volatile String stopReason;

    CountingServer() {
      MADE.incrementAndGet();
      last = this;
    }

    @Override
    public void start(SessionContext context) {
      starts.incrementAndGet();
      stopReason = null;
      process = context.startSharedProcess(ProcessSpec.of(List.of("sleep", "600")), new ProcessListener() {
        @Override
        public void stdout(String line) {}

        @Override
        public void exited(ExitStatus status) {
          stopReason = status.summary("the counting server");
        }
      });
    }

    @Override
    public boolean isRunning() {
      AgentProcess p = process;
      return p != null && p.isAlive();
    }

    @Override
    public String url() {
      return "sessions:" + sessions.get();
    }

    @Override
    public String stopReason() {
      return stopReason;
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
  void sessionsOfAScopeShareOneServerThatTheHostRestartsListsAndClosesWithTheDaemon() throws Exception {
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

      // The server's process dies: the listing says why, and the next session has it started again.
      CountingServer counting = CountingServer.last;
      counting.process.stop();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (counting.stopReason == null && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      JsonNode dead = TestServer.json(server.get("/v1/agents")).get("agents").get(0).get("serverStatus");
      assertThat(dead.get("status").asText()).isEqualTo("error");
      assertThat(dead.get("lastError").asText()).isEqualTo("the counting server exited with status 143");
      assertThat(server.post("/v1/sessions/d", "{\"agent\":\"sharing\"}").statusCode()).isEqualTo(200);
      assertThat(counting.starts).hasValue(2);
      assertThat(CountingServer.MADE.get() - made).as("the same server, started again").isEqualTo(1);
      JsonNode restarted = TestServer.json(server.get("/v1/agents")).get("agents").get(0).get("serverStatus");
      assertThat(restarted.get("status").asText()).isEqualTo("running");
      assertThat(restarted.get("restartCount").asInt()).isEqualTo(1);
      assertThat(restarted.get("baseUrl").asText()).isEqualTo("sessions:4");
    } finally {
      server.close();
    }
    assertThat(CountingServer.CLOSED.get() - closed).as("closed with the daemon").isEqualTo(1);
  }
}
