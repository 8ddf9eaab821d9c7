package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenCode, installed from the npm registry, driven through the daemon's API against
 * {@link FakeChatCompletions} on loopback: a plain turn, a tool turn, and an approval granted and one
 * declined. Needs the network for the install: {@code SANDBOX_AGENT_LIVE_OPENCODE=1 ./mvnw verify -pl
 * distribution -am -Dit.test=OpenCodeLiveIT}.
 */
@EnabledIfEnvironmentVariable(named = "SANDBOX_AGENT_LIVE_OPENCODE", matches = "1")
@Timeout(600)
class OpenCodeLiveIT {

  @TempDir Path work;

  private static JsonNode awaitEvent(Launcher daemon, String session, int after, Predicate<JsonNode> match)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    JsonNode events = null;
    while (System.nanoTime() < deadline) {
      events = Launcher.json(daemon.get("/v1/sessions/" + session + "/events")).get("events");
      for (JsonNode e : events) {
        if (e.get("sequence").asInt() > after && match.test(e)) {
          return e;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no matching event after " + after + " in " + events);
  }

  private static Predicate<JsonNode> turnCompleted() {
    return e -> e.get("type").asText().equals("item.completed") && e.get("data").toString().contains("\"session.idle\"");
  }

  @Test
  void theDaemonDrivesTheRealOpenCode() throws Exception {
    Path installDir = work.resolve("agents");
    Process install = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString(), "install-agent", "opencode",
        "--install-sources", "npm", "--install-dir", installDir.toString()).redirectErrorStream(true).start();
    String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(install.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(install.exitValue()).as(log).isZero();
    Path project = Files.createDirectories(work.resolve("project"));
    try (FakeChatCompletions model = new FakeChatCompletions()) {
      Map<String, String> env = Map.of("HOME", Files.createDirectories(work.resolve("home")).toString(),
          "OPENCODE_CONFIG_CONTENT", model.openCodeConfig());
      Launcher daemon = Launcher.start(project, "t", List.of("--agent-bin", "opencode=" + installDir.resolve("opencode")), env);
      try {
        long t0 = System.nanoTime();
        assertThat(daemon.post("/v1/sessions/c1", "{\"agent\":\"opencode\"}").statusCode())
            .isEqualTo(200);
        daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}");
        int end1 = awaitEvent(daemon, "c1", 0, turnCompleted()).get("sequence").asInt();
        long t1 = System.nanoTime();
        daemon.post("/v1/sessions/c1/messages",
            "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
        int end2 = awaitEvent(daemon, "c1", end1, turnCompleted()).get("sequence").asInt();
        long t2 = System.nanoTime();
        String c1 = Launcher.json(daemon.get("/v1/sessions/c1/events")).toString();
        assertThat(c1).contains(FakeChatCompletions.HELLO).contains("Done. The command's output was:");

        assertThat(daemon.post("/v1/sessions/c2", "{\"agent\":\"opencode\"}").statusCode())
            .isEqualTo(200);
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask = awaitEvent(daemon, "c2", 0, e -> e.get("type").asText().equals("permission.requested"));
        String id = ask.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/c2/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode())
            .isEqualTo(204);
        int end3 = awaitEvent(daemon, "c2", ask.get("sequence").asInt(), turnCompleted()).get("sequence").asInt();
        assertThat(project.resolve("created-by-agent.txt")).exists();
        long t3 = System.nanoTime();

        Files.delete(project.resolve("created-by-agent.txt"));
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask2 = awaitEvent(daemon, "c2", end3, e -> e.get("type").asText().equals("permission.requested"));
        String id2 = ask2.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/c2/permissions/" + id2 + "/reply", "{\"reply\":\"reject\"}").statusCode())
            .isEqualTo(204);
        awaitEvent(daemon, "c2", ask2.get("sequence").asInt(), turnCompleted());
        assertThat(project.resolve("created-by-agent.txt")).doesNotExist();
        long t4 = System.nanoTime();

        // two sessions of the one server at once
        int c1Before = Launcher.json(daemon.get("/v1/sessions/c1/events")).get("events").size();
        int c2Before = Launcher.json(daemon.get("/v1/sessions/c2/events")).get("events").size();
        daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}");
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
        awaitEvent(daemon, "c1", c1Before, turnCompleted());
        awaitEvent(daemon, "c2", c2Before, turnCompleted());
        long t5 = System.nanoTime();
        System.out.printf(Locale.ROOT, "LIVE opencode: two concurrent turns on one server %.2f s%n", (t5 - t4) / 1e9);
        assertThat(Launcher.json(daemon.get("/v1/agents")).get("agents").get(2).get("serverStatus").get("restartCount")
            .asInt()).isZero();
        System.out.printf(Locale.ROOT, "LIVE opencode: first turn %.2f s (server start included), tool turn %.2f s, "
            + "approved turn %.2f s, declined turn %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
            (t4 - t3) / 1e9);
        System.out.println("LIVE opencode c2 events: "
            + Launcher.types(Launcher.json(daemon.get("/v1/sessions/c2/events")).get("events")));
      } finally {
        daemon.stop();
      }
    }
  }
}
