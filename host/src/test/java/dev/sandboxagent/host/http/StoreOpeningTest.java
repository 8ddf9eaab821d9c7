package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.store.SqliteStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon listens while its session database opens: the health check answers, readiness says
 * why not, and requests that need the sessions wait for the database instead of being answered
 * wrongly or lost.
 */
@Timeout(60)
class StoreOpeningTest {

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(String base, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> post(String base, String path, String json) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void healthAnswersAndReadinessWaitsWhileTheDatabaseOpensAndASessionCreatedMeanwhileIsStored() throws Exception {
    Path data = tmp.resolve("data");
    TestServer.startDurable(tmp.resolve("first"), data).close();
    int port = freePort();
    HostConfig config = new HostConfig("127.0.0.1", port, null, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp).withDataDir(data);
    String base = "http://127.0.0.1:" + port;

    CompletableFuture<Daemon> started;
    CompletableFuture<HttpResponse<String>> created;
    // Another program holds the database (a backup, say): the daemon cannot open it until it lets go.
    try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteStore.FILE_NAME));
        Statement sql = holder.createStatement()) {
      sql.execute("PRAGMA journal_mode = DELETE");
      sql.execute("BEGIN EXCLUSIVE");
      started = CompletableFuture.supplyAsync(
          () -> Daemon.start(config, AdapterRegistry.of(List.of(new ScriptAdapter()))));

      HttpResponse<String> health = awaitListening(base, started);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
      HttpResponse<String> ready = get(base, "/v1/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("the session store is not open");

      created = post(base, "/v1/sessions/early", "{\"agent\":\"script\"}");
      // Nothing about the sessions is answered before they are read.
      assertThat(created).isNotDone();
      assertThat(started).isNotDone();
      sql.execute("COMMIT");
    }

    try (Daemon daemon = started.join()) {
      HttpResponse<String> session = created.join();
      assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
      assertThat(get(base, "/v1/health/ready").statusCode()).isEqualTo(200);
      HttpResponse<String> message = post(base, "/v1/sessions/early/messages", "{\"message\":\"reply early\"}").join();
      assertThat(message.statusCode()).as(message.body()).isEqualTo(204);
      awaitText(base, "early", "\"early\"");
      assertThat(daemon.port()).isEqualTo(port);
    }

    // The session asked for while the database opened, and its turn, are stored: a restarted daemon
    // serves them.
    try (TestServer again = TestServer.startDurable(tmp.resolve("again"), data)) {
      assertThat(again.get("/v1/sessions/early/events").body()).contains("session.started").contains("\"early\"");
    }
  }

  /** Polls the health check until the daemon listens (failing if its start ends first). */
  private HttpResponse<String> awaitListening(String base, CompletableFuture<Daemon> started) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (started.isDone()) {
        throw new AssertionError("the start ended before the database could be opened: " + started.join());
      }
      try {
        return get(base, "/v1/health");
      } catch (java.net.ConnectException e) {
        Thread.sleep(10);
      }
    }
    throw new AssertionError("the daemon does not listen");
  }

  private void awaitText(String base, String id, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode events = TestServer.JSON.readTree(get(base, "/v1/sessions/" + id + "/events").body()).get("events");
      if (events.toString().contains(text)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no event with " + text);
  }
}
