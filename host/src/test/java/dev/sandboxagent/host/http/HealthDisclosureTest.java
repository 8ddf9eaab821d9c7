package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/health} needs no token; what it says about the event sink's failures (which name
 * the database's host and port) is for the admin only.
 */
@Timeout(60)
class HealthDisclosureTest {

  @TempDir Path tmp;

  @Test
  void theSinksErrorIsShownToTheAdminTokenOnlyAndItsStateToEveryone() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HostConfig config = new HostConfig("127.0.0.1", 0, "secret-token", CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp).withDataDir(tmp.resolve("data"))
        .withEventSink(URI.create("postgresql://exporter@127.0.0.1:" + closed + "/events"));
    try (TestServer server = TestServer.start(config, List.of(new ScriptAdapter()))) {
      JsonNode admin = awaitError(server);
      assertThat(admin.get("lastError").asText()).contains(String.valueOf(closed));
      assertThat(admin.get("lastErrorAt").asText()).isNotEmpty();

      for (HttpRequest.Builder anonymous : List.of(
          HttpRequest.newBuilder(URI.create(server.base + "/v1/health")),
          HttpRequest.newBuilder(URI.create(server.base + "/v1/health")).header("Authorization", "Bearer wrong"))) {
        var response = server.send(anonymous.GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(String.valueOf(closed)).doesNotContain("127.0.0.1");
        JsonNode sink = TestServer.json(response).get("eventSink");
        assertThat(sink.get("connected").asBoolean(true)).isFalse();
        assertThat(sink.has("lag")).isTrue();
        assertThat(sink.has("lastError")).isFalse();
        assertThat(sink.has("lastErrorAt")).isFalse();
      }
    }
  }

  /** The sink's state as the admin sees it, once its first connection has failed. */
  private static JsonNode awaitError(TestServer server) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode sink = TestServer.json(server.get("/v1/health")).get("eventSink");
      if (sink != null && sink.hasNonNull("lastError")) {
        return sink;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the sink never failed");
  }
}
