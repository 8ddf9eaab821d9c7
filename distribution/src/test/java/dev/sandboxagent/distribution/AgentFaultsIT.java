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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every agent plugin in the shipped daemon facing an agent that goes silent, exits with status 0 in
 * the middle of a turn, or exits while a child it started still holds its output: each ends the
 * one-turn stream with an {@code error} within seconds, and another session of the same agent goes
 * on untouched. The stand-in programs switch to these faults by the words of the message; the idle
 * timeouts are 5 s (on a loaded machine a stand-in that answers at once has been seen silent for
 * more than 2 s), except in the daemon that checks exits, where they are long enough never to
 * come first.
 */
@Timeout(240)
class AgentFaultsIT {

  private static final Map<String, List<String>> FILES = Map.of(
      "claude", List.of("claude", "stream-input.jsonl", "permission.jsonl", "denied.jsonl"),
      "codex", List.of("codex", "tool.jsonl", "approval.jsonl"),
      "opencode", List.of("opencode", "FakeOpenCode.java", "tool.jsonl", "permission.jsonl"),
      "amp", List.of("amp", "amp-text.jsonl"));
  private static final Map<String, String> SILENCE = Map.of(
      "claude", "Claude Code wrote nothing for 5 s; the turn was stopped",
      "codex", "Codex wrote nothing for 5 s; the turn was stopped",
      "opencode", "OpenCode wrote nothing for 5 s; the turn was stopped",
      "amp", "Amp wrote nothing for 5 s; the turn was stopped");
  private static final Map<String, String> EARLY_EXIT = Map.of(
      "claude", "Claude Code exited with status 0 before the end of its turn",
      "codex", "codex app-server exited with status 0 in the middle of the turn",
      "opencode", "opencode server exited with status 0 in the middle of the turn",
      "amp", "Amp exited with status 0 before the end of its turn");

  @TempDir static Path work;
  /** Idle timeouts of 5 s. */
  static Launcher daemon;
  /** Idle timeouts of 10 minutes: an exit is what ends the turn. */
  static Launcher patient;

  @BeforeAll
  static void start() throws Exception {
    List<String> args = new java.util.ArrayList<>();
    for (var agent : FILES.entrySet()) {
      Path fake = Files.createDirectories(work.resolve("fake-" + agent.getKey()));
      for (String name : agent.getValue()) {
        Files.copy(Path.of("src/test/resources/fake-" + agent.getKey(), name), fake.resolve(name),
            StandardCopyOption.REPLACE_EXISTING);
      }
      Files.setPosixFilePermissions(fake.resolve(agent.getKey()), PosixFilePermissions.fromString("rwxr-xr-x"));
      args.addAll(List.of("--agent-bin", agent.getKey() + "=" + fake.resolve(agent.getKey())));
    }
    daemon = start(Files.createDirectories(work.resolve("quick")), args, "5");
    patient = start(Files.createDirectories(work.resolve("patient")), args, "600");
  }

  private static Launcher start(Path dir, List<String> args, String idleSeconds) throws Exception {
    return Launcher.start(dir, "t", args, Map.of(
        "SANDBOX_TEST_JAVA", ProcessHandle.current().info().command().orElseThrow(),
        "SANDBOX_AGENT_CLAUDE_IDLE_TIMEOUT", idleSeconds,
        "SANDBOX_AGENT_CODEX_IDLE_TIMEOUT", idleSeconds,
        "SANDBOX_AGENT_OPENCODE_IDLE_TIMEOUT", idleSeconds,
        "SANDBOX_AGENT_AMP_IDLE_TIMEOUT", idleSeconds));
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
    if (patient != null) {
      patient.stop();
    }
  }

  private static String create(String session, String agent) {
    return create(daemon, session, agent);
  }

  private static String create(Launcher daemon, String session, String agent) {
    assertThat(daemon.post("/v1/sessions/" + session, "{\"agent\":\"" + agent + "\"}").statusCode()).isEqualTo(200);
    return session;
  }

  /** Runs one turn on the one-turn stream; checks that it ended, within seconds, with {@code message}. */
  private static void turnEndsWithError(String session, String text, String message) throws Exception {
    turnEndsWithError(daemon, session, text, message);
  }

  private static void turnEndsWithError(Launcher daemon, String session, String text, String message)
      throws Exception {
    long start = System.nanoTime();
    List<JsonNode> events = daemon.streamTurn(session, text);
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("type").asText()).as("the last event of %s", events).isEqualTo("error");
    assertThat(last.get("data").get("message").asText()).startsWith(message);
    assertThat(seconds).as("seconds to the error").isLessThan(20);
  }

  private static void awaitFile(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!(Files.exists(file) && Files.readString(file).contains(text))) {
      assertThat(System.nanoTime()).as("%s contains %s", file, text).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void awaitGone(long pid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      assertThat(System.nanoTime()).as("process %d is gone", pid).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"claude", "codex", "opencode", "amp"})
  void aSilentAgentOrOneThatExitsMidTurnEndsTheTurnWithAnErrorAndOtherSessionsGoOn(String agent) throws Exception {
    String other = create(agent + "-other", agent);
    String faulty = create(agent + "-faulty", agent);

    turnEndsWithError(faulty, agent.equals("amp") ? "hang" : "silent", SILENCE.get(agent));
    String nativeId = daemon.events(faulty).findValues("native_session_id").stream().filter(JsonNode::isTextual)
        .findFirst().map(JsonNode::asText).orElse("");
    if (agent.equals("codex")) {
      awaitFile(work.resolve("fake-codex/stdin.log"),
          "\"method\":\"turn/interrupt\",\"params\":{\"threadId\":\"" + nativeId + "\",\"turnId\":\"turn-");
      daemon.awaitEvent(faulty, 0, Launcher.statusCompleted("turn.completed"), Duration.ofSeconds(20));
    } else if (agent.equals("opencode")) {
      awaitFile(work.resolve("fake-opencode/requests.log"), "POST /session/" + nativeId + "/abort");
    }

    // the next fault gets a session of its own
    turnEndsWithError(create(agent + "-quit", agent), "quit", EARLY_EXIT.get(agent));

    List<JsonNode> turn = daemon.streamTurn(other, "Say hello.");
    assertThat(turn.get(turn.size() - 1).get("type").asText()).as("the turn: %s", turn).isEqualTo("item.completed");
    assertThat(Launcher.types(daemon.events(other))).doesNotContain("error");
  }

  @ParameterizedTest
  @ValueSource(strings = {"claude", "codex", "opencode", "amp"})
  void anAgentThatExitsWhileItsChildHoldsItsOutputEndsTheTurnWithAnError(String agent) throws Exception {
    String session = create(patient, agent + "-orphan", agent);
    turnEndsWithError(patient, session, "orphan", EARLY_EXIT.get(agent));
    Path pidFile = work.resolve("fake-" + agent + "/orphan.pid");
    awaitFile(pidFile, "");
    long orphan = Long.parseLong(Files.readString(pidFile).strip());
    Files.delete(pidFile);
    if (agent.equals("claude") || agent.equals("amp")) {
      // the session's own process: terminating the session takes its orphan too
      assertThat(patient.post("/v1/sessions/" + session + "/terminate", "").statusCode()).isEqualTo(204);
      awaitGone(orphan);
    }
  }

  @Test
  void terminatingACodexSessionInterruptsItsTurnAndEndsItsCommand() throws Exception {
    String session = create("codex-terminated", "codex");
    daemon.post("/v1/sessions/" + session + "/messages", "{\"message\":\"Run sleep 271.\"}");
    daemon.awaitEvent(session, 0, e -> e.get("type").asText().equals("item.started")
        && e.toString().contains("sleep 271"), Duration.ofSeconds(20));
    Path pidFile = work.resolve("fake-codex/command.pid");
    awaitFile(pidFile, "");
    long command = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(command).map(ProcessHandle::isAlive)).contains(true);
    String nativeId = daemon.events(session).findValues("native_session_id").stream().filter(JsonNode::isTextual)
        .findFirst().map(JsonNode::asText).orElseThrow();

    assertThat(daemon.post("/v1/sessions/" + session + "/terminate", "").statusCode()).isEqualTo(204);
    awaitFile(work.resolve("fake-codex/stdin.log"),
        "\"method\":\"turn/interrupt\",\"params\":{\"threadId\":\"" + nativeId + "\",\"turnId\":\"turn-");
    awaitGone(command);
  }
}
