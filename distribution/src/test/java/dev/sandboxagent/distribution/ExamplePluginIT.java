package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example third-party plugin, built on its own, dropped into a running daemon's plugins
 * directory and used through the HTTP API: install, a turn, a crash, removal.
 */
class ExamplePluginIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  static Path exampleJar() {
    // Tests run in the distribution module's directory.
    Path jar = Path.of("../examples/echo-agent/target/echo-agent-plugin-1.0.0.jar").toAbsolutePath().normalize();
    assertThat(jar).as("the example plugin is built before the distribution's tests").isRegularFile();
    return jar;
  }

  private static JsonNode awaitPlugin(Launcher daemon, String id, boolean present) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode plugins = null;
    while (System.nanoTime() < deadline) {
      plugins = Launcher.json(daemon.get("/v1/plugins")).get("plugins");
      for (JsonNode p : plugins) {
        if (p.get("id").asText().equals(id) == present && present) {
          return p;
        }
      }
      if (!present && plugins.findValuesAsText("id").stream().noneMatch(id::equals)) {
        return plugins;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("plugin " + id + (present ? " never appeared in " : " never left ") + plugins);
  }

  @Test
  void droppedIntoARunningDaemonItServesSessions() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    try (Launcher daemon = Launcher.start(tmp, "t", List.of("--plugins-dir", plugins.toString()), Map.of())) {
      assertThat(Launcher.json(daemon.get("/v1/plugins")).get("plugins")).isEmpty();
      assertThat(daemon.post("/v1/sessions/early", "{\"agent\":\"echo\"}").statusCode()).isEqualTo(400);

      // Copied in under a temporary name, then renamed, as a deployment would.
      Path part = plugins.resolve("echo-agent-plugin.jar.part");
      Files.copy(exampleJar(), part);
      Files.move(part, plugins.resolve("echo-agent-plugin.jar"), StandardCopyOption.ATOMIC_MOVE);
      JsonNode plugin = awaitPlugin(daemon, "echo-agent", true);
      assertThat(plugin.get("state").asText()).isEqualTo("loaded");
      assertThat(plugin.get("version").asText()).isEqualTo("1.0.0");
      assertThat(plugin.get("agents").toString()).isEqualTo("[\"echo\"]");

      JsonNode agent = Launcher.json(daemon.get("/v1/agents")).get("agents").get(0);
      assertThat(agent.get("id").asText()).isEqualTo("echo");
      assertThat(agent.get("installed").asBoolean()).isFalse();
      HttpResponse<String> install = daemon.send(daemon.request("/v1/agents/echo/install")
          .header("Prefer", "return=representation").header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
      assertThat(install.statusCode()).as(install.body()).isEqualTo(200);
      assertThat(Launcher.json(install).get("source").asText()).isEqualTo("plugin echo-agent");
      assertThat(tmp.resolve("install/echo-agent")).isExecutable();

      HttpResponse<String> created = daemon.post("/v1/sessions/e1", "{\"agent\":\"echo\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      assertThat(daemon.post("/v1/sessions/e1/messages", "{\"message\":\"hello \\\"plugin\\\"\"}").statusCode())
          .isEqualTo(204);
      JsonNode reply = daemon.awaitEvent("e1", 0, e -> Launcher.ofType("item.completed").test(e)
          && e.toString().contains("\"role\":\"assistant\""), WAIT);
      assertThat(reply.get("data").get("item").get("content").get(0).get("text").asText())
          .isEqualTo("echo: hello \"plugin\"");
      int turnEnd = daemon.awaitEvent("e1", 0, Launcher.statusCompleted("turn.completed"), WAIT)
          .get("sequence").asInt();
      assertThat(reply.get("native_session_id").asText()).startsWith("echo-");

      // The program crashing ends the session with its own words, and nothing hangs.
      assertThat(daemon.post("/v1/sessions/e1/messages", "{\"message\":\"crash\"}").statusCode()).isEqualTo(204);
      JsonNode error = daemon.awaitEvent("e1", turnEnd, Launcher.ofType("error"), WAIT);
      assertThat(error.get("data").get("message").asText()).isEqualTo("echo-agent: crashing as asked");
      daemon.awaitEvent("e1", turnEnd, Launcher.ofType("session.ended"), WAIT);
      assertThat(daemon.post("/v1/sessions/e1/messages", "{\"message\":\"again\"}").statusCode()).isEqualTo(500);

      // Removed: no new sessions; the finished session's history stays readable.
      Files.delete(plugins.resolve("echo-agent-plugin.jar"));
      awaitPlugin(daemon, "echo-agent", false);
      HttpResponse<String> refused = daemon.post("/v1/sessions/e2", "{\"agent\":\"echo\"}");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(Launcher.json(refused).get("type").asText()).isEqualTo("urn:sandbox-agent:error:unsupported_agent");
      assertThat(Launcher.types(daemon.events("e1"))).contains("session.ended");
    }
  }
}
