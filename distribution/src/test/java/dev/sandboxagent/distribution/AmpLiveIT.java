package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Amp CLI, installed from the npm registry, through the daemon without a reachable vendor
 * service and without a login: each turn must end within seconds with Amp's own message. Needs the
 * network for the install: {@code SANDBOX_AGENT_LIVE_AMP=1 ./mvnw verify -pl distribution -am
 * -Dit.test=AmpLiveIT}.
 */
@EnabledIfEnvironmentVariable(named = "SANDBOX_AGENT_LIVE_AMP", matches = "1")
@Timeout(600)
class AmpLiveIT {

  @TempDir Path work;

  @Test
  void failsFastAndClearlyWithoutServiceOrLogin() throws Exception {
    Path installDir = work.resolve("agents");
    Dist.installAgent("amp", installDir);
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    Path home = Files.createDirectories(work.resolve("home"));
    Map<String, String> noKey = Map.of("HOME", home.toString(), "AMP_URL", "http://127.0.0.1:" + dead);
    Map<String, String> withKey = Map.of("HOME", home.toString(), "AMP_URL", "http://127.0.0.1:" + dead,
        "AMP_API_KEY", "sgamp_user_fake_0123456789");
    for (Map.Entry<String, Map<String, String>> scenario : Map.of("no-key", noKey, "with-key", withKey).entrySet()) {
      Path dir = Files.createDirectories(work.resolve(scenario.getKey()));
      Launcher daemon = Launcher.start(dir, "t", List.of("--agent-bin", "amp=" + installDir.resolve("amp")),
          scenario.getValue());
      try {
        daemon.post("/v1/sessions/live", "{\"agent\":\"amp\"}");
        long start = System.nanoTime();
        daemon.post("/v1/sessions/live/messages", "{\"message\":\"Say hello\"}");
        JsonNode error = awaitEnd(daemon, "live");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("LIVE amp %s: session.ended after %.2f s; error: %s%n", scenario.getKey(), seconds, error);
        assertThat(seconds).isLessThan(30);
        assertThat(error.get("message").asText()).isNotBlank();
      } finally {
        daemon.stop();
      }
    }
  }

  private static JsonNode awaitEnd(Launcher daemon, String id) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode events = Launcher.json(daemon.get("/v1/sessions/" + id + "/events")).get("events");
      if (events.size() > 0 && events.get(events.size() - 1).get("type").asText().equals("session.ended")) {
        return events.get(events.size() - 2).get("data");
      }
      Thread.sleep(100);
    }
    throw new AssertionError("session " + id + " did not end");
  }
}
