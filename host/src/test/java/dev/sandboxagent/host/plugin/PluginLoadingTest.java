package dev.sandboxagent.host.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.Spi;
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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoadingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RANGE = ">=1.0.0 & <2.0.0";

  @TempDir static Path tmp;
  static Path plugins;

  @BeforeAll
  static void buildPlugins() throws Exception {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    new PluginJarBuilder(tmp.resolve("echo"))
        .source("org.example.echo.EchoAdapter", PluginJarBuilder.echoAdapter("org.example.echo", "echo", ""))
        .manifest("Plugin-Id", "echo-plugin").manifest("Plugin-Version", "1.2.3").manifest("Plugin-Requires", RANGE)
        .build(plugins.resolve("echo.jar"));
    new PluginJarBuilder(tmp.resolve("future"))
        .source("org.example.future.EchoAdapter", PluginJarBuilder.echoAdapter("org.example.future", "future", ""))
        .manifest("Plugin-Id", "future-plugin").manifest("Plugin-Version", "1.0.0")
        .manifest("Plugin-Requires", ">=2.0.0 & <3.0.0")
        .build(plugins.resolve("future.jar"));
    new PluginJarBuilder(tmp.resolve("noid"))
        .source("org.example.noid.EchoAdapter", PluginJarBuilder.echoAdapter("org.example.noid", "noid", ""))
        .manifest("Plugin-Version", "1.0.0").manifest("Plugin-Requires", RANGE)
        .build(plugins.resolve("no-id.jar"));
    new PluginJarBuilder(tmp.resolve("boom"))
        .source("org.example.boom.EchoAdapter", PluginJarBuilder.echoAdapter("org.example.boom", "boom",
            "if (true) throw new IllegalStateException(\"boom in constructor\");"))
        .manifest("Plugin-Id", "boom-plugin").manifest("Plugin-Version", "1.0.0").manifest("Plugin-Requires", RANGE)
        .build(plugins.resolve("boom.jar"));
    Files.write(plugins.resolve("garbage.jar"), "this is not a zip".getBytes());
  }

  @Test
  void loadsTheGoodPluginAndReportsEveryBrokenOne() {
    try (AdapterRegistry registry = AdapterRegistry.load(plugins)) {
      assertThat(registry.agents()).extracting(LoadedAgent::id).containsExactly("echo");
      LoadedAgent echo = registry.find("echo").orElseThrow();
      assertThat(echo.pluginId()).isEqualTo("echo-plugin");
      assertThat(echo.pluginVersion()).isEqualTo("1.2.3");
      assertThat(registry.failures()).extracting(PluginFailure::file)
          .containsExactlyInAnyOrder("future.jar", "no-id.jar", "boom.jar", "garbage.jar");
      assertThat(failure(registry, "future.jar").message())
          .contains("requires SPI >=2.0.0 & <3.0.0").contains("this host provides SPI " + Spi.version());
      assertThat(failure(registry, "boom.jar").message()).contains("boom in constructor");
      assertThat(failure(registry, "boom.jar").pluginId()).isEqualTo("boom-plugin");
    }
  }

  @Test
  void aPluginBuiltOutsideTheReactorServesASessionOverHttpBesideBrokenOnes() throws Exception {
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), plugins,
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        HostConfig.DEFAULT_KEEP_ALIVE, tmp);
    try (Daemon daemon = Daemon.start(config)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + daemon.port();
      JsonNode agents = JSON.readTree(get(http, base + "/v1/agents").body());
      assertThat(agents.get("agents")).extracting(a -> a.get("id").asText()).containsExactly("echo");
      assertThat(agents.get("agents").get(0).get("version").asText()).isEqualTo("builtin");
      assertThat(agents.get("pluginErrors")).extracting(e -> e.get("file").asText())
          .containsExactlyInAnyOrder("future.jar", "no-id.jar", "boom.jar", "garbage.jar");

      HttpResponse<String> created = post(http, base + "/v1/sessions/s1", "{\"agent\":\"echo\"}");
      assertThat(created.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(created.body()).get("nativeSessionId").asText()).isEqualTo("echo-s1");
      assertThat(post(http, base + "/v1/sessions/s1/messages", "{\"message\":\"ping\"}").statusCode()).isEqualTo(204);
      JsonNode events = awaitEvents(http, base + "/v1/sessions/s1/events", 4);
      assertThat(events).extracting(e -> e.get("type").asText())
          .containsExactly("session.started", "item.started", "item.delta", "item.completed");
      assertThat(events.get(2).get("data").get("delta").asText()).isEqualTo("echo: ping");
      assertThat(post(http, base + "/v1/sessions/s2", "{\"agent\":\"boom\"}").statusCode()).isEqualTo(400);
    }
  }

  private static PluginFailure failure(AdapterRegistry registry, String file) {
    return registry.failures().stream().filter(f -> f.file().equals(file)).findFirst().orElseThrow();
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(HttpClient http, String url, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode awaitEvents(HttpClient http, String url, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode events;
    do {
      events = JSON.readTree(get(http, url).body()).get("events");
      if (events.size() >= count) {
        return events;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(events.size()).as("events recorded in time").isGreaterThanOrEqualTo(count);
    return events;
  }

  static List<String> types(JsonNode events) {
    return java.util.stream.StreamSupport.stream(events.spliterator(), false).map(e -> e.get("type").asText()).toList();
  }
}
