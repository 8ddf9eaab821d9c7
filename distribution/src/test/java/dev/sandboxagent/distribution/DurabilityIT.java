package dev.sandboxagent.distribution;

import static dev.sandboxagent.distribution.Launcher.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sessions stored in the data directory by the shipped launcher, across a crash and a restart. */
@Timeout(180)
class DurabilityIT {

  /** The session id in the fake Claude's recorded output. */
  private static final String CLAUDE_SESSION_ID = "d233dbe6-9dfd-48d7-a6b7-04a2d1a195c3";

  @TempDir Path work;

  private static String body(String message) {
    return Launcher.JSON.createObjectNode().put("message", message).toString();
  }

  /** The texts of the user messages in the log, in order (the mock starts each with its text). */
  private static List<String> userMessages(JsonNode events) {
    List<String> texts = new ArrayList<>();
    for (JsonNode e : events) {
      JsonNode item = e.path("data").path("item");
      if (e.get("type").asText().equals("item.started") && item.path("role").asText().equals("user")) {
        texts.add(item.get("content").get(0).get("text").asText());
      }
    }
    return texts;
  }

  /** Runs the launcher until it exits; returns its exit code and output. */
  private record Run(int exit, String output) {}

  private Run serverToExit(Path dir, List<String> extra) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(dir);
    Path log = dir.resolve("refused.log");
    ProcessBuilder pb = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString(), "server",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--token", "t")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.command().addAll(extra);
    pb.environment().put("XDG_DATA_HOME", dir.resolve("xdg").toString());
    Process process = pb.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("the daemon did not exit: " + Files.readString(log));
    }
    return new Run(process.exitValue(), Files.readString(log));
  }

  @Test
  void aDaemonKilledMidTurnKeepsEveryAcknowledgedMessageAndTheSessionGoesOn() throws Exception {
    List<String> acknowledged = new ArrayList<>();
    try (Launcher daemon = Launcher.start(work, "t")) {
      assertThat(daemon.post("/v1/sessions/s", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
      // A long turn (a step every 200 ms), with more messages arriving while it runs.
      assertThat(daemon.post("/v1/sessions/s/messages", body("demo")).statusCode()).isEqualTo(204);
      acknowledged.add("demo");
      for (int i = 1; i <= 5; i++) {
        String message = "message " + i;
        assertThat(daemon.post("/v1/sessions/s/messages", body(message)).statusCode()).isEqualTo(204);
        acknowledged.add(message);
      }
      daemon.kill();
    }

    try (Launcher restarted = Launcher.start(work, "t")) {
      JsonNode session = json(restarted.get("/v1/sessions")).get("sessions").get(0);
      assertThat(session.get("sessionId").asText()).isEqualTo("s");
      assertThat(session.get("ended").asBoolean()).isFalse();
      JsonNode events = restarted.events("s");
      assertThat(userMessages(events)).isEqualTo(acknowledged);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).get("sequence").asInt()).as("dense sequences").isEqualTo(i + 1);
      }
      int stored = events.size();
      assertThat(json(restarted.get("/v1/sessions/s/events?offset=" + (stored - 2))).get("events")).hasSize(2);

      assertThat(restarted.post("/v1/sessions/s/messages", body("Reply with exactly the single word OK.")).statusCode())
          .isEqualTo(204);
      restarted.awaitEvent("s", stored, Launcher.statusCompleted("session.resumed"), Duration.ofSeconds(15));
      restarted.awaitEvent("s", stored, e -> e.get("type").asText().equals("item.completed")
          && e.get("data").get("item").get("role").asText().equals("assistant")
          && e.get("data").toString().contains("\"text\":\"OK\""), Duration.ofSeconds(15));
      JsonNode after = restarted.events("s");
      for (int i = 0; i < after.size(); i++) {
        assertThat(after.get(i).get("sequence").asInt()).isEqualTo(i + 1);
      }
      assertThat(restarted.stop()).isZero();
    }
  }

  private static int send(Launcher daemon, String idempotencyKey, String message) {
    return daemon.send(daemon.request("/v1/sessions/s/messages").header("Content-Type", "application/json")
        .header("Idempotency-Key", idempotencyKey).POST(HttpRequest.BodyPublishers.ofString(body(message))).build())
        .statusCode();
  }

  @Test
  void aMessageRetriedWithItsIdempotencyKeyReachesTheAgentOnceAcrossACrash() throws Exception {
    try (Launcher daemon = Launcher.start(work, "t")) {
      assertThat(daemon.post("/v1/sessions/s", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
      assertThat(send(daemon, "k1", "echo first")).isEqualTo(204);
      assertThat(send(daemon, "k1", "echo first")).isEqualTo(204);
      daemon.kill();
    }

    try (Launcher restarted = Launcher.start(work, "t")) {
      assertThat(send(restarted, "k1", "echo first")).isEqualTo(204);
      assertThat(send(restarted, "k1", "echo changed")).isEqualTo(422);
      assertThat(send(restarted, "k2", "echo second")).isEqualTo(204);
      restarted.awaitEvent("s", 0, e -> e.get("type").asText().equals("item.completed")
          && e.get("data").get("item").get("role").asText().equals("assistant")
          && e.get("data").toString().contains("second"), Duration.ofSeconds(15));
      assertThat(userMessages(restarted.events("s"))).containsExactly("echo first", "echo second");
      assertThat(restarted.stop()).isZero();
    }
  }

  @Test
  void aClaudeSessionContinuesItsOwnConversationAfterARestart() throws Exception {
    Path fake = Files.createDirectories(work.resolve("fake-claude"));
    for (String name : List.of("claude", "stream-input.jsonl", "permission.jsonl", "denied.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-claude", name), fake.resolve(name));
    }
    Files.setPosixFilePermissions(fake.resolve("claude"), PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> args = List.of("--agent-bin", "claude=" + fake.resolve("claude"));
    String reply = "Hello! This is a scripted reply from the fake model.";
    int before;
    try (Launcher daemon = Launcher.start(work, "t", args, Map.of())) {
      assertThat(daemon.post("/v1/sessions/c", "{\"agent\":\"claude\"}").statusCode()).isEqualTo(200);
      assertThat(daemon.post("/v1/sessions/c/messages", body("Say hello.")).statusCode()).isEqualTo(204);
      daemon.awaitEvent("c", 0, e -> e.get("type").asText().equals("item.completed")
          && e.get("data").toString().contains(reply), Duration.ofSeconds(30));
      before = daemon.events("c").size();
      assertThat(daemon.stop()).isZero();
    }
    try (Launcher daemon = Launcher.start(work, "t", args, Map.of())) {
      assertThat(daemon.events("c")).hasSize(before);
      assertThat(daemon.post("/v1/sessions/c/messages", body("Say hello.")).statusCode()).isEqualTo(204);
      daemon.awaitEvent("c", before, e -> e.get("type").asText().equals("item.completed")
          && e.get("data").toString().contains(reply), Duration.ofSeconds(30));
      JsonNode resumed = daemon.awaitEvent("c", before, Launcher.statusCompleted("session.resumed"),
          Duration.ofSeconds(5));
      assertThat(resumed.toString()).contains(CLAUDE_SESSION_ID);
    }
    List<String> invocations = Files.readAllLines(fake.resolve("invocations.log"));
    assertThat(invocations).hasSize(2);
    assertThat(invocations.get(0)).doesNotContain("--resume");
    assertThat(invocations.get(1)).contains("--resume " + CLAUDE_SESSION_ID);
  }

  @Test
  void aCodexSessionContinuesItsThreadAfterARestart() throws Exception {
    Path fake = Files.createDirectories(work.resolve("fake-codex"));
    for (String name : List.of("codex", "tool.jsonl", "approval.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-codex", name), fake.resolve(name));
    }
    Files.setPosixFilePermissions(fake.resolve("codex"), PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> args = List.of("--agent-bin", "codex=" + fake.resolve("codex"));
    String thread = "01a20584-1223-7831-bf55-315b6893c9c6";
    int before;
    try (Launcher daemon = Launcher.start(work, "t", args, Map.of())) {
      assertThat(daemon.post("/v1/sessions/x", "{\"agent\":\"codex\"}").statusCode()).isEqualTo(200);
      assertThat(daemon.post("/v1/sessions/x/messages", body("Say hello.")).statusCode()).isEqualTo(204);
      daemon.awaitEvent("x", 0, Launcher.statusCompleted("turn.completed"), Duration.ofSeconds(30));
      before = daemon.events("x").size();
      assertThat(daemon.stop()).isZero();
    }
    try (Launcher daemon = Launcher.start(work, "t", args, Map.of())) {
      assertThat(daemon.post("/v1/sessions/x/messages", body("Say hello.")).statusCode()).isEqualTo(204);
      JsonNode done = daemon.awaitEvent("x", before, Launcher.statusCompleted("turn.completed"), Duration.ofSeconds(30));
      assertThat(done.get("native_session_id").asText()).isEqualTo(thread);
      assertThat(daemon.awaitEvent("x", before, Launcher.statusCompleted("session.resumed"), Duration.ofSeconds(5))
          .toString()).contains(thread);
    }
    List<String> requests = Files.readAllLines(fake.resolve("stdin.log"));
    assertThat(requests).filteredOn(l -> l.contains("\"method\":\"thread/start\"")).hasSize(1);
    assertThat(requests).filteredOn(l -> l.contains("\"method\":\"thread/resume\"")).singleElement()
        .asString().contains("\"threadId\":\"" + thread + "\"");
  }

  @Test
  void anOpenCodeSessionContinuesItsOwnSessionAfterARestart() throws Exception {
    Path fake = Files.createDirectories(work.resolve("fake-opencode"));
    for (String name : List.of("opencode", "FakeOpenCode.java", "tool.jsonl", "permission.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-opencode", name), fake.resolve(name));
    }
    Files.setPosixFilePermissions(fake.resolve("opencode"), PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> args = List.of("--agent-bin", "opencode=" + fake.resolve("opencode"));
    Map<String, String> env = Map.of("SANDBOX_TEST_JAVA", ProcessHandle.current().info().command().orElseThrow());
    String session = "ses_dfa7d1942ffeCwKgrn9dmvVMVl";
    int before;
    try (Launcher daemon = Launcher.start(work, "t", args, env)) {
      assertThat(daemon.post("/v1/sessions/o", "{\"agent\":\"opencode\"}").statusCode()).isEqualTo(200);
      assertThat(daemon.post("/v1/sessions/o/messages", body("Say hello.")).statusCode()).isEqualTo(204);
      daemon.awaitEvent("o", 0, Launcher.statusCompleted("session.idle"), Duration.ofSeconds(60));
      before = daemon.events("o").size();
      assertThat(daemon.stop()).isZero();
    }
    try (Launcher daemon = Launcher.start(work, "t", args, env)) {
      assertThat(daemon.post("/v1/sessions/o/messages", body("Say hello.")).statusCode()).isEqualTo(204);
      daemon.awaitEvent("o", before, Launcher.statusCompleted("session.idle"), Duration.ofSeconds(60));
    }
    List<String> requests = Files.readAllLines(fake.resolve("requests.log"));
    assertThat(requests).filteredOn(l -> l.startsWith("POST /session ")).hasSize(1);
    assertThat(requests).filteredOn(l -> l.startsWith("GET /session/" + session + " ")).hasSize(1);
    assertThat(requests).filteredOn(l -> l.startsWith("POST /session/" + session + "/prompt_async ")).hasSize(2);
    // OpenCode's own storage is in the daemon's data directory, the sessions without a tenant's.
    assertThat(Launcher.dataDir(work).resolve("agents/opencode/_default/data/opencode/storage/session/" + session + ".json"))
        .isRegularFile();
  }

  @Test
  void sqlitesLibraryIsLoadedFromTheDataDirectoryNotCopiedToTheTemporaryOneAtEachStart() throws Exception {
    for (int start = 0; start < 2; start++) {
      try (Launcher daemon = Launcher.start(work, "t")) {
        assertThat(daemon.post("/v1/sessions/n" + start, "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
        List<String> sqlite = Files.readAllLines(Path.of("/proc", String.valueOf(daemon.process.pid()), "maps")).stream()
            .filter(l -> l.contains("sqlitejdbc")).toList();
        assertThat(sqlite).isNotEmpty()
            .allMatch(l -> l.contains(Launcher.dataDir(work).resolve("native").toString()), "mapped from the data directory");
      }
    }
  }

  @Test
  void aSecondDaemonOnTheSameDataDirectoryExitsWithThePathAndThePid() throws Exception {
    try (Launcher daemon = Launcher.start(work, "t")) {
      Path data = Launcher.dataDir(work);
      Run second = serverToExit(work.resolve("second"), List.of("--data-dir", data.toString()));
      assertThat(second.exit()).as(second.output()).isEqualTo(1);
      assertThat(second.output()).contains(data.toString()).contains("pid " + daemon.process.pid());
      assertThat(daemon.get("/v1/sessions").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aDamagedDatabaseStopsTheStartWithItsPath() throws Exception {
    Path data = Files.createDirectories(work.resolve("damaged"));
    Path db = data.resolve("sessions.db");
    Files.writeString(db, "not a database ".repeat(500));
    Run run = serverToExit(work.resolve("run"), List.of("--data-dir", data.toString()));
    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains(db.toString());
  }

  @Test
  void anEphemeralDaemonKeepsNothing() throws Exception {
    try (Launcher daemon = Launcher.start(work, "t", List.of("--ephemeral"), Map.of())) {
      assertThat(daemon.post("/v1/sessions/e", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
      assertThat(daemon.post("/v1/sessions/e/messages", body("hello")).statusCode()).isEqualTo(204);
      daemon.awaitEvents("e", 3);
      assertThat(daemon.stop()).isZero();
    }
    assertThat(Launcher.dataDir(work)).doesNotExist();
    try (Launcher daemon = Launcher.start(work, "t")) {
      assertThat(json(daemon.get("/v1/sessions")).get("sessions")).isEmpty();
    }
  }
}
