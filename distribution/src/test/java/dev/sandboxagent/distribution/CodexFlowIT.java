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
 * The Codex plugin in the shipped daemon with a stand-in app-server that replays recorded output:
 * one shared server, turns, an approval answered through the API, an unknown server request
 * answered with an error, and a crash followed by a restarted server and a resumed thread.
 */
@Timeout(120)
class CodexFlowIT {

  private static final String THREAD = "01a20584-1223-7831-bf55-315b6893c9c6";

  @TempDir static Path work;
  static Path fake;
  static Launcher daemon;

  @BeforeAll
  static void start() throws Exception {
    fake = Files.createDirectories(work.resolve("fake-codex"));
    for (String name : List.of("codex", "tool.jsonl", "approval.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-codex", name), fake.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(fake.resolve("codex"), PosixFilePermissions.fromString("rwxr-xr-x"));
    daemon = Launcher.start(work, "t", List.of("--agent-bin", "codex=" + fake.resolve("codex")), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private JsonNode await(String session, Predicate<JsonNode> until) throws InterruptedException {
    return daemon.awaitEvent(session, 0, until, Duration.ofSeconds(30));
  }

  @Test
  void aThreadOfTheSharedServer() throws Exception {
    JsonNode created = Launcher.json(daemon.post("/v1/sessions/x1", "{\"agent\":\"codex\",\"permissionMode\":\"plan\"}"));
    assertThat(created.get("nativeSessionId").asText()).isEqualTo(THREAD);
    JsonNode codex = Launcher.json(daemon.get("/v1/agents")).get("agents").get(1);
    assertThat(codex.get("serverStatus").get("status").asText()).isEqualTo("running");

    daemon.post("/v1/sessions/x1/messages", "{\"message\":\"Say hello.\"}");
    int end1 = daemon.awaitEvent("x1", 0, Launcher.statusCompleted("turn.completed"), Duration.ofSeconds(30)).get("sequence").asInt();
    assertThat(Launcher.json(daemon.get("/v1/sessions/x1/events")).toString())
        .contains("Hello! This is a scripted reply from the fake model.").contains("\"role\":\"user\"");

    daemon.post("/v1/sessions/x1/messages", "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
    JsonNode ask = await("x1", e -> e.get("type").asText().equals("permission.requested"));
    assertThat(ask.get("data").get("permission_id").asText()).isEqualTo("0");
    assertThat(ask.get("data").get("action").asText()).isEqualTo("commandExecution");
    assertThat(daemon.post("/v1/sessions/x1/permissions/0/reply", "{\"reply\":\"always\"}").statusCode()).isEqualTo(204);
    daemon.awaitEvent("x1", ask.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"), Duration.ofSeconds(30));
    assertThat(Files.readAllLines(fake.resolve("stdin.log")))
        .contains("{\"id\":0,\"result\":{\"decision\":\"acceptForSession\"}}");

    daemon.post("/v1/sessions/x1/messages", "{\"message\":\"unknown\"}");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Files.readString(fake.resolve("stdin.log")).lines().noneMatch(l -> l.contains("\"id\":99,\"error\""))
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(Files.readString(fake.resolve("stdin.log")))
        .contains("{\"id\":99,\"error\":{\"code\":-32601,\"message\":\"unsupported request: item/tool/requestUserInput\"}}");

    String stdin = Files.readString(fake.resolve("stdin.log"));
    assertThat(stdin).contains("\"method\":\"thread/start\",\"params\":{\"approvalPolicy\":\"untrusted\",\"sandbox\":\"read-only\"")
        .contains("\"sandboxPolicy\":{\"type\":\"readOnly\"}");
    assertThat(Files.readAllLines(fake.resolve("codex-home.log")).get(0)).endsWith("sandbox-agent/agents/codex/_default/codex-home");
    assertThat(end1).isPositive();
  }

  @Test
  void aCrashIsReportedAndTheNextMessageResumesTheThread() throws Exception {
    daemon.post("/v1/sessions/x2", "{\"agent\":\"codex\"}");
    daemon.post("/v1/sessions/x2/messages", "{\"message\":\"crash\"}");
    JsonNode error = await("x2", e -> e.get("type").asText().equals("error"));
    assertThat(error.get("data").get("message").asText()).contains("codex app-server exited with status 3")
        .contains("fatal: simulated crash");
    JsonNode codex = Launcher.json(daemon.get("/v1/agents")).get("agents").get(1);
    assertThat(codex.get("serverStatus").get("status").asText()).isEqualTo("error");
    assertThat(codex.get("serverStatus").get("lastError").asText()).contains("status 3");

    daemon.post("/v1/sessions/x2/messages", "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
    JsonNode done = daemon.awaitEvent("x2", error.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"),
        Duration.ofSeconds(30));
    assertThat(done).isNotNull();
    assertThat(Files.readString(fake.resolve("stdin.log"))).contains("\"method\":\"thread/resume\"");
    JsonNode restarted = Launcher.json(daemon.get("/v1/agents")).get("agents").get(1).get("serverStatus");
    assertThat(restarted.get("status").asText()).isEqualTo("running");
    assertThat(restarted.get("restartCount").asInt()).isPositive();
  }
}
