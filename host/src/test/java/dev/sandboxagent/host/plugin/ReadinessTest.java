package dev.sandboxagent.host.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.http.CorsConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probes of a daemon whose plugin takes its time to load (its adapter waits for a file): live at
 * once, ready (without a token) only once the plugin is loaded.
 */
class ReadinessTest {

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theDaemonIsLiveAtOnceAndReadyOnceItsPluginsAreLoaded() throws Exception {
    Path gate = tmp.resolve("gate");
    String waitForGate = "java.nio.file.Path gate = java.nio.file.Path.of(\"" + gate + "\");"
        + " long end = System.nanoTime() + 30_000_000_000L;"
        + " while (!java.nio.file.Files.exists(gate) && System.nanoTime() < end) {"
        + "   try { Thread.sleep(10); } catch (InterruptedException e) { break; } }";
    new PluginJarBuilder(tmp.resolve("slow"))
        .source("org.example.slow.EchoAdapter", PluginJarBuilder.echoAdapter("org.example.slow", "slow", waitForGate))
        .manifest("Plugin-Id", "slow-plugin").manifest("Plugin-Version", "1.0.0")
        .manifest("Plugin-Requires", ">=1.0.0 & <2.0.0")
        .build(tmp.resolve("plugins/slow.jar"));
    HostConfig config = new HostConfig("127.0.0.1", 0, "t0ken", CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp);
    try (Daemon daemon = Daemon.start(config)) {
      String base = "http://127.0.0.1:" + daemon.port();
      HttpResponse<String> live = get(base + "/v1/health/live");
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("{\"status\":\"ok\"}");

      HttpResponse<String> notReady = get(base + "/v1/health/ready");
      assertThat(notReady.statusCode()).as(notReady.body()).isEqualTo(503);
      JsonNode problem = new ObjectMapper().readTree(notReady.body());
      assertThat(problem.get("type").asText()).isEqualTo("urn:sandbox-agent:error:not_ready");
      assertThat(problem.get("status").asInt()).isEqualTo(503);
      assertThat(problem.get("detail").asText()).contains("the plugins are loading");
      assertThat(problem.at("/details/reasons").toString()).contains("the plugins are loading");

      Files.writeString(gate, "");
      HttpResponse<String> ready = get(base + "/v1/health/ready");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        ready = get(base + "/v1/health/ready");
      }
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("{\"status\":\"ok\"}");
      assertThat(get(base + "/v1/agents").statusCode()).as("the API itself still needs the token").isEqualTo(401);
    }
  }

  private HttpResponse<String> get(String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
