package dev.sandboxagent.host.plugin;

import static dev.sandboxagent.host.plugin.PluginLoadingTest.awaitEvents;
import static dev.sandboxagent.host.plugin.PluginLoadingTest.get;
import static dev.sandboxagent.host.plugin.PluginLoadingTest.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.http.CorsConfig;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Plugin JARs dropped into, replaced in and removed from a running daemon's plugins directory. */
@Timeout(120)
class PluginDropInTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RANGE = ">=1.0.0 & <2.0.0";

  @TempDir Path tmp;

  private Path jar(String name, String pluginId, String agent, String version) throws Exception {
    String pkg = "org.example." + name;
    return new PluginJarBuilder(tmp.resolve("build-" + name))
        .source(pkg + ".EchoAdapter", PluginJarBuilder.echoAdapter(pkg, agent, ""))
        .manifest("Plugin-Id", pluginId).manifest("Plugin-Version", version).manifest("Plugin-Requires", RANGE)
        .build(tmp.resolve("built").resolve(name + ".jar"));
  }

  private static JsonNode await(HttpClient http, String url, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    JsonNode body = null;
    while (System.nanoTime() < deadline) {
      body = JSON.readTree(get(http, url).body());
      if (until.test(body)) {
        return body;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("condition never met; last: " + body);
  }

  private static boolean hasAgent(JsonNode agents, String id) {
    for (JsonNode a : agents.get("agents")) {
      if (a.get("id").asText().equals(id)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void jarsComeAndGoWithoutARestart() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.createDirectories(tmp.resolve("built"));
    Files.copy(jar("echo1", "echo-plugin", "echo", "1.0.0"), plugins.resolve("echo.jar"));
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), plugins, tmp.resolve("install"),
        tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES, HostConfig.DEFAULT_KEEP_ALIVE, tmp);
    try (Daemon daemon = Daemon.start(config)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + daemon.port();
      assertThat(post(http, base + "/v1/sessions/old", "{\"agent\":\"echo\"}").statusCode()).isEqualTo(200);

      // dropped in: picked up by the directory watcher
      Files.copy(jar("later", "later-plugin", "later", "0.1.0"), plugins.resolve("later.jar"));
      await(http, base + "/v1/agents", a -> hasAgent(a, "later"));
      assertThat(post(http, base + "/v1/sessions/l1", "{\"agent\":\"later\"}").statusCode()).isEqualTo(200);
      post(http, base + "/v1/sessions/l1/messages", "{\"message\":\"hi\"}");
      assertThat(awaitEvents(http, base + "/v1/sessions/l1/events", 2).get(1).get("data").toString()).contains("echo: hi");

      // replaced by a new version: new sessions get it, the session on the old one goes on
      Path replacement = jar("echo2", "echo-plugin", "echo", "2.0.0");
      Files.copy(replacement, plugins.resolve("echo.jar.part"));
      Files.setLastModifiedTime(plugins.resolve("echo.jar.part"), FileTime.from(Instant.now().minusSeconds(5)));
      Files.move(plugins.resolve("echo.jar.part"), plugins.resolve("echo.jar"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      JsonNode list = await(http, base + "/v1/plugins", p -> p.toString().contains("\"version\":\"2.0.0\""));
      assertThat(list.get("plugins")).hasSize(2);
      post(http, base + "/v1/sessions/old/messages", "{\"message\":\"still here\"}");
      assertThat(awaitEvents(http, base + "/v1/sessions/old/events", 2).get(1).get("data").toString())
          .contains("echo: still here");
      var created = post(http, base + "/v1/sessions/new", "{\"agent\":\"echo\"}");
      assertThat(created.statusCode()).as(created.body() + " " + get(http, base + "/v1/plugins").body()).isEqualTo(200);

      // removed: no new sessions, the running one goes on
      Files.delete(plugins.resolve("later.jar"));
      await(http, base + "/v1/agents", a -> !hasAgent(a, "later"));
      assertThat(post(http, base + "/v1/sessions/l2", "{\"agent\":\"later\"}").statusCode()).isEqualTo(400);
      post(http, base + "/v1/sessions/l1/messages", "{\"message\":\"after removal\"}");
      assertThat(awaitEvents(http, base + "/v1/sessions/l1/events", 7).toString()).contains("echo: after removal");

      // a broken JAR is reported and harmless; a file still being written is left for later
      Files.write(plugins.resolve("broken.jar"), "not a zip".getBytes());
      Files.setLastModifiedTime(plugins.resolve("broken.jar"), FileTime.from(Instant.now().minusSeconds(5)));
      Files.write(plugins.resolve("half.jar"), new byte[] {0x50, 0x4b});
      JsonNode rescan = JSON.readTree(post(http, base + "/v1/plugins/rescan", "").body());
      assertThat(rescan.get("rescan").get("pending").toString()).contains("half.jar");
      JsonNode broken = null;
      for (JsonNode p : rescan.get("plugins")) {
        if (p.get("file").asText().equals("broken.jar")) {
          broken = p;
        }
      }
      assertThat(broken).isNotNull();
      assertThat(broken.get("state").asText()).isEqualTo("failed");
      assertThat(broken.get("error").asText()).isNotBlank();
      assertThat(JSON.readTree(get(http, base + "/v1/agents").body()).get("agents"))
          .extracting(a -> a.get("id").asText()).containsExactly("echo");
      for (JsonNode p : rescan.get("plugins")) {
        if (p.get("file").asText().equals("echo.jar")) {
          assertThat(p.get("id").asText()).isEqualTo("echo-plugin");
          assertThat(p.get("requires").asText()).isEqualTo(RANGE);
          assertThat(p.get("state").asText()).isEqualTo("loaded");
          assertThat(p.get("agents").toString()).isEqualTo("[\"echo\"]");
        }
      }
    }
  }

  @Test
  void thePluginListNeverPairsANewFileWithOldAgents() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.createDirectories(tmp.resolve("built"));
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), plugins, tmp.resolve("install"),
        tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES, HostConfig.DEFAULT_KEEP_ALIVE, tmp);
    Path built = jar("racer", "racer-plugin", "racer", "1.0.0");
    try (Daemon daemon = Daemon.start(config)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + daemon.port();
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.Queue<String> inconsistent = new java.util.concurrent.ConcurrentLinkedQueue<>();
      java.util.concurrent.atomic.AtomicInteger seenLoaded = new java.util.concurrent.atomic.AtomicInteger();
      java.util.List<Thread> pollers = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        pollers.add(Thread.ofVirtual().start(() -> {
          while (!done.get()) {
            try {
              JsonNode body = JSON.readTree(get(http, base + "/v1/plugins").body());
              for (JsonNode p : body.get("plugins")) {
                if (p.get("state").asText().equals("loaded")) {
                  seenLoaded.incrementAndGet();
                  if (p.get("agents").isEmpty()) {
                    inconsistent.add(p.toString());
                  }
                }
              }
            } catch (Exception e) {
              inconsistent.add("request failed: " + e);
            }
          }
        }));
      }
      Thread.sleep(200);
      Files.copy(built, plugins.resolve("racer.jar.part"));
      Files.setLastModifiedTime(plugins.resolve("racer.jar.part"), FileTime.from(Instant.now().minusSeconds(5)));
      Files.move(plugins.resolve("racer.jar.part"), plugins.resolve("racer.jar"), StandardCopyOption.ATOMIC_MOVE);
      JSON.readTree(post(http, base + "/v1/plugins/rescan", "").body());
      await(http, base + "/v1/plugins", p -> p.toString().contains("\"agents\":[\"racer\"]"));
      Thread.sleep(200);
      done.set(true);
      for (Thread poller : pollers) {
        poller.join();
      }
      assertThat(seenLoaded.get()).isPositive();
      assertThat(inconsistent).as("a loaded plugin listed without its agents").isEmpty();
    }
  }
}
