package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACP plugin in the shipped daemon with a user's agent entry ({@code --acp-agents}) for the
 * scripted ACP agent: text, tools, permissions approved and denied, a second turn, a crash and the
 * restart that loads the conversation, a silent agent stopped by the host, and a terminated
 * session that leaves nothing running.
 */
@Timeout(120)
class AcpFlowIT {

  @TempDir static Path work;
  static Path calls;
  static MarkedProcesses marked;
  static Launcher daemon;

  @BeforeAll
  static void start() throws Exception {
    Path bin = Files.createDirectories(work.resolve("bin"));
    // the plugin's own scripted agent
    Files.copy(Path.of("../plugins/acp/src/test/resources/fake-acp/fake-acp"), bin.resolve("fake-acp"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(bin.resolve("fake-acp"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path entries = Files.createDirectories(work.resolve("acp-agents"));
    Files.writeString(entries.resolve("scripted.json"), """
        {"id": "scripted", "displayName": "Scripted ACP agent", "install": {"path": "fake-acp"},
         "modes": [{"id": "plan", "name": "Plan", "acpMode": "plan"}],
         "permissionModes": {"default": null, "bypass": "yolo"}, "idleTimeoutSeconds": 2}
        """);
    Files.writeString(entries.resolve("broken.json"), "{\"id\": \"Not An Id\"}");
    Files.writeString(entries.resolve("elsewhere.json"), "{\"id\": \"elsewhere\", \"install\": {\"path\": \"no-such-acp-agent\"}}");
    calls = work.resolve("calls.jsonl");
    marked = new MarkedProcesses();
    Map<String, String> env = new HashMap<>(marked.environment());
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("FAKE_ACP_LOG", calls.toString());
    daemon = Launcher.start(work, "t", List.of("--acp-agents", entries.toString()), env);
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private static Predicate<JsonNode> turnCompletedAfter(int sequence) {
    return e -> e.get("sequence").asInt() > sequence && Launcher.statusCompleted("turn.completed").test(e);
  }

  private static JsonNode await(String session, int after, Predicate<JsonNode> until) throws InterruptedException {
    daemon.awaitEvent(session, after, until, Duration.ofSeconds(30));
    return daemon.events(session);
  }

  private static int last(String session) {
    JsonNode events = daemon.events(session);
    return events.isEmpty() ? 0 : events.get(events.size() - 1).get("sequence").asInt();
  }

  @Test
  void theUsersEntryIsListedWithTheShippedOnesAndABrokenOneIsSkipped() throws Exception {
    JsonNode agents = Launcher.json(daemon.get("/v1/agents")).get("agents");
    assertThat(agents.findValuesAsText("id")).contains("gemini", "qwen", "copilot", "claude-acp", "codex-acp",
        "opencode-acp", "scripted").doesNotContain("Not An Id");
    assertThat(Launcher.json(daemon.get("/v1/agents/scripted/modes")).get("modes").findValuesAsText("id"))
        .containsExactly("build", "plan");
    assertThat(Files.readString(work.resolve("daemon.log"))).contains("broken.json skipped");
  }

  @Test
  void anEntryDroppedIntoTheDirectoryOfARunningDaemonIsServedAndOneRemovedIsNot() throws Exception {
    Path entries = work.resolve("acp-agents");
    Path dropped = entries.resolve("dropped.json");
    Files.writeString(entries.resolve("dropped.json.tmp"), """
        {"id": "dropped", "displayName": "Dropped in", "install": {"path": "fake-acp"}}
        """);
    Files.move(entries.resolve("dropped.json.tmp"), dropped);
    awaitListed("dropped", true);
    assertThat(daemon.post("/v1/sessions/x7", "{\"agent\":\"dropped\"}").statusCode()).isEqualTo(200);
    daemon.post("/v1/sessions/x7/messages", "{\"message\":\"say text\"}");
    await("x7", 0, turnCompletedAfter(0));

    Files.delete(dropped);
    awaitListed("dropped", false);
    assertThat(daemon.post("/v1/sessions/x8", "{\"agent\":\"dropped\"}").statusCode()).isEqualTo(400);
    int before = last("x7");
    daemon.post("/v1/sessions/x7/messages", "{\"message\":\"say text\"}");
    assertThat(await("x7", before, turnCompletedAfter(before)).toString())
        .as("a session of a removed entry goes on").contains("Hello from ACP.");
  }

  private static void awaitListed(String agent, boolean listed) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (Launcher.json(daemon.get("/v1/agents")).get("agents").findValuesAsText("id").contains(agent) == listed) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(agent + (listed ? " never listed" : " still listed"));
  }

  @Test
  void textThenToolsThenASecondTurn() throws Exception {
    assertThat(daemon.post("/v1/sessions/x1", "{\"agent\":\"scripted\"}").statusCode()).isEqualTo(200);
    daemon.post("/v1/sessions/x1/messages", "{\"message\":\"say text\"}");
    JsonNode events = await("x1", 0, turnCompletedAfter(0));
    assertThat(events.toString()).contains("Hello from ACP.").contains("Thinking about it.")
        .contains("\"role\":\"user\"").contains("end_turn");
    int before = last("x1");
    daemon.post("/v1/sessions/x1/messages", "{\"message\":\"use a tool\"}");
    events = await("x1", before, turnCompletedAfter(before));
    assertThat(events.toString()).contains("\"kind\":\"tool_call\"").contains("\"kind\":\"tool_result\"")
        .contains("-# Old\\n+# Title\\n").contains("plan.updated").contains("commands.updated")
        .contains("mode.updated").contains("Read it.");
    assertThat(Launcher.types(events)).doesNotContain("error", "agent.unparsed", "session.ended");
  }

  @Test
  void permissionsApprovedAndDenied() throws Exception {
    daemon.post("/v1/sessions/x2", "{\"agent\":\"scripted\"}");
    daemon.post("/v1/sessions/x2/messages", "{\"message\":\"ask permission\"}");
    JsonNode asked = daemon.awaitEvent("x2", 0, Launcher.ofType("permission.requested"), Duration.ofSeconds(30));
    assertThat(asked.get("data").get("action").asText()).isEqualTo("Edit notes.txt");
    String id = asked.get("data").get("permission_id").asText();
    assertThat(daemon.post("/v1/sessions/x2/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode())
        .isEqualTo(204);
    JsonNode events = await("x2", 0, turnCompletedAfter(0));
    assertThat(events.toString()).contains("approved yes").contains("permission.resolved");

    int before = last("x2");
    daemon.post("/v1/sessions/x2/messages", "{\"message\":\"ask permission again\"}");
    JsonNode second = daemon.awaitEvent("x2", before, Launcher.ofType("permission.requested"), Duration.ofSeconds(30));
    String id2 = second.get("data").get("permission_id").asText();
    assertThat(id2).isNotEqualTo(id);
    assertThat(daemon.post("/v1/sessions/x2/permissions/" + id2 + "/reply", "{\"reply\":\"reject\"}").statusCode())
        .isEqualTo(204);
    events = await("x2", before, turnCompletedAfter(before));
    assertThat(events.toString()).contains("denied");
  }

  @Test
  void aCrashIsAnErrorWithTheStderrTailAndTheNextMessageLoadsTheConversation() throws Exception {
    daemon.post("/v1/sessions/x3", "{\"agent\":\"scripted\"}");
    daemon.post("/v1/sessions/x3/messages", "{\"message\":\"crash now\"}");
    JsonNode error = daemon.awaitEvent("x3", 0, Launcher.ofType("error"), Duration.ofSeconds(30));
    assertThat(error.get("data").get("message").asText()).contains("status 3").contains("fatal: simulated crash");
    String nativeId = error.get("native_session_id").asText();
    assertThat(nativeId).startsWith("fake-");

    int before = last("x3");
    daemon.post("/v1/sessions/x3/messages", "{\"message\":\"say text\"}");
    JsonNode events = await("x3", before, turnCompletedAfter(before));
    assertThat(Launcher.types(events)).doesNotContain("session.ended");
    assertThat(events.toString()).doesNotContain("an earlier answer");
    assertThat(Files.readAllLines(calls)).anyMatch(l -> l.contains("\"session/load\"") && l.contains(nativeId));
  }

  @Test
  void aSilentAgentIsStoppedAfterTheIdleTimeoutAndTheSessionGoesOn() throws Exception {
    daemon.post("/v1/sessions/x4", "{\"agent\":\"scripted\"}");
    daemon.post("/v1/sessions/x4/messages", "{\"message\":\"hang\"}");
    JsonNode error = daemon.awaitEvent("x4", 0, Launcher.ofType("error"), Duration.ofSeconds(30));
    assertThat(error.get("data").get("code").asText()).isEqualTo("idle_timeout");
    int before = last("x4");
    daemon.post("/v1/sessions/x4/messages", "{\"message\":\"say text\"}");
    JsonNode events = await("x4", before, turnCompletedAfter(before));
    assertThat(events.toString()).contains("Hello from ACP.");
  }

  @Test
  void terminatingCancelsTheTurnAndLeavesNothingRunning() throws Exception {
    daemon.post("/v1/sessions/x5", "{\"agent\":\"scripted\"}");
    daemon.post("/v1/sessions/x5/messages", "{\"message\":\"ask permission\"}");
    JsonNode asked = daemon.awaitEvent("x5", 0, Launcher.ofType("permission.requested"), Duration.ofSeconds(30));
    // the scripted agent names its sessions after its process id
    long pid = Long.parseLong(asked.get("native_session_id").asText().substring("fake-".length()));
    assertThat(marked.running(cmd -> cmd.contains("fake-acp"))).extracting(MarkedProcesses.Proc::pid).contains(pid);
    String before = Files.readString(calls);
    assertThat(daemon.post("/v1/sessions/x5/terminate", "").statusCode()).isEqualTo(204);
    assertThat(MarkedProcesses.awaitNone(() -> marked.running(cmd -> cmd.contains("fake-acp")).stream()
        .filter(p -> p.pid() == pid).toList(), LiveTerminate.GONE_WITHIN)).isEmpty();
    String after = Files.readString(calls).substring(before.length());
    assertThat(after).contains("\"cancelled\"").contains("session/cancel");
  }

  @Test
  void aSessionOfAnAgentTheDaemonCannotInstallSaysHowToGetIt() throws Exception {
    var response = daemon.post("/v1/sessions/x6", "{\"agent\":\"elsewhere\"}");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("install_failed").contains("put `no-such-acp-agent` on PATH");
  }
}
