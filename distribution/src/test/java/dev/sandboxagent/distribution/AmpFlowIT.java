package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Amp plugin in the shipped daemon with a stand-in program: a working turn and its thread
 * continued, the ways Amp fails without a login — each ends the turn within seconds with Amp's
 * own message and {@code session.ended} — and a silent Amp, whose turn the host stops.
 */
@Timeout(120)
class AmpFlowIT {

  @TempDir static Path work;
  static Path fake;
  static Launcher daemon;

  @BeforeAll
  static void start() throws Exception {
    fake = Files.createDirectories(work.resolve("fake-amp"));
    for (String name : List.of("amp", "amp-text.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-amp", name), fake.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(fake.resolve("amp"), PosixFilePermissions.fromString("rwxr-xr-x"));
    daemon = Launcher.start(work, "t", List.of("--agent-bin", "amp=" + fake.resolve("amp")),
        Map.of("SANDBOX_AGENT_AMP_IDLE_TIMEOUT", "2"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private JsonNode await(String session, Predicate<JsonNode> until) throws InterruptedException {
    daemon.awaitEvent(session, 0, until, Duration.ofSeconds(30));
    return daemon.events(session);
  }

  @Test
  void aTurnThenItsThreadContinued() throws Exception {
    assertThat(daemon.post("/v1/sessions/a1", "{\"agent\":\"amp\"}").statusCode()).isEqualTo(200);
    daemon.post("/v1/sessions/a1/messages", "{\"message\":\"Say hello\"}");
    JsonNode events = await("a1", e -> e.get("data").toString().contains("turn.completed")
        && e.get("type").asText().equals("item.completed"));
    assertThat(events.toString()).contains("Hello! How can I help?").contains("\"role\":\"user\"");
    int before = events.size();
    daemon.post("/v1/sessions/a1/messages", "{\"message\":\"Again\"}");
    await("a1", e -> e.get("sequence").asInt() > before && e.get("data").toString().contains("turn.completed")
        && e.get("type").asText().equals("item.completed"));
    List<String> calls = Files.readAllLines(fake.resolve("invocations.log")).stream()
        .filter(l -> l.contains("Say hello") || l.contains("Again")).toList();
    assertThat(calls.get(0)).startsWith("-x Say hello --stream-json --stream-json-thinking");
    assertThat(calls.get(1)).startsWith("threads continue T-7f1c2d3e-0000-4a5b-9c8d-000000000001 -x Again");
  }

  @Test
  void noServiceEndsTheTurnWithAmpsMessage() throws Exception {
    daemon.post("/v1/sessions/a2", "{\"agent\":\"amp\"}");
    long start = System.nanoTime();
    daemon.post("/v1/sessions/a2/messages", "{\"message\":\"nologin\"}");
    JsonNode events = await("a2", Launcher.ofType("session.ended"));
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonNode error = events.get(events.size() - 2);
    assertThat(error.get("type").asText()).isEqualTo("error");
    assertThat(error.get("data").get("message").asText()).isEqualTo("Error: Couldn't connect to the Amp server at http://127.0.0.1:9.");
    assertThat(events.get(events.size() - 1).get("data").toString()).contains("\"reason\":\"error\"").contains("agent");
    assertThat(seconds).as("seconds to the error").isLessThan(10);
    assertThat(daemon.post("/v1/sessions/a2/messages", "{\"message\":\"again\"}").statusCode()).isGreaterThanOrEqualTo(400);
  }

  @Test
  void aBrowserLoginPromptIsStoppedAtOnce() throws Exception {
    daemon.post("/v1/sessions/a3", "{\"agent\":\"amp\"}");
    daemon.post("/v1/sessions/a3/messages", "{\"message\":\"browser\"}");
    JsonNode events = await("a3", Launcher.ofType("session.ended"));
    assertThat(events.get(events.size() - 2).get("data").get("message").asText())
        .startsWith("Amp asked for a browser login; set AMP_API_KEY for the daemon");
  }

  @Test
  void aSilentAmpIsStoppedAfterTheIdleTimeoutAndTheSessionGoesOn() throws Exception {
    daemon.post("/v1/sessions/a4", "{\"agent\":\"amp\"}");
    long start = System.nanoTime();
    daemon.post("/v1/sessions/a4/messages", "{\"message\":\"hang\"}");
    JsonNode events = await("a4", Launcher.ofType("error"));
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonNode error = events.findParents("type").stream().filter(e -> e.get("type").asText().equals("error"))
        .findFirst().orElseThrow();
    assertThat(error.get("data").get("message").asText()).isEqualTo("Amp wrote nothing for 2 s; the turn was stopped");
    assertThat(seconds).isBetween(1.5, 15.0);

    int before = events.size();
    daemon.post("/v1/sessions/a4/messages", "{\"message\":\"Greet me\"}");
    events = await("a4", e -> e.get("sequence").asInt() > before && e.get("data").toString().contains("turn.completed")
        && e.get("type").asText().equals("item.completed"));
    assertThat(Launcher.types(events)).doesNotContain("session.ended");
    assertThat(Launcher.types(events).stream().filter("error"::equals)).hasSize(1);
  }
}
