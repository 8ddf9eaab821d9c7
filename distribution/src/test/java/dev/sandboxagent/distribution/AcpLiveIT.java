package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ACP agents driven through the daemon's API against fake model servers on loopback, each
 * started through a user's entry ({@code --acp-agents}) that copies what the agent writes to {@code
 * target/acp-live/<agent>.jsonl}, the source of the plugin's recorded fixtures; every program is
 * installed by the daemon's installer ({@code install-agent}) at the version its shipped entry pins.
 * OpenCode in ACP mode ({@code opencode acp}, as the shipped {@code opencode-acp} entry starts it): a
 * plain turn, a tool turn, an approval granted and one declined, and a terminate that leaves nothing
 * running. Qwen Code ({@code qwen --acp}), claude-agent-acp and codex-acp against the fake Chat
 * Completions, Anthropic and Responses servers, with tool turns, approvals granted and declined, and
 * the tool output the model received. Skipped when the registry cannot be reached or with {@code
 * -DskipLive}.
 */
@Timeout(600)
class AcpLiveIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path work;

  @Test
  void theDaemonDrivesTheRealOpenCodeOverAcp() throws Exception {
    // the program of the opencode agent: opencode-acp runs the same one, in ACP mode
    Path program = LiveAgents.program("opencode");
    Path project = Files.createDirectories(work.resolve("project"));
    Path bin = recordingWrapper(program, "opencode");
    Path entries = Files.createDirectories(work.resolve("acp-agents"));
    Files.writeString(entries.resolve("opencode-acp.json"), """
        {"id": "opencode-acp", "displayName": "OpenCode (ACP)", "install": {"path": "opencode-recorded"},
         "args": ["acp"]}
        """);
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeChatCompletions model = new FakeChatCompletions()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("OPENCODE_CONFIG_CONTENT", model.openCodeConfig());
      env.put("PATH", bin + ":" + System.getenv("PATH"));
      Launcher daemon = Launcher.start(project, "t", List.of("--acp-agents", entries.toString()), env);
      try {
        assertThat(createSession(daemon, "o1", "opencode-acp").statusCode()).isEqualTo(200);
        daemon.post("/v1/sessions/o1/messages", "{\"message\":\"Say hello.\"}");
        int end1 = daemon.awaitEvent("o1", 0, Launcher.statusCompleted("turn.completed"), TIMEOUT)
            .get("sequence").asInt();
        assertThat(daemon.events("o1").toString()).contains(FakeChatCompletions.HELLO);

        daemon.post("/v1/sessions/o1/messages",
            "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
        daemon.awaitEvent("o1", end1, Launcher.statusCompleted("turn.completed"), TIMEOUT);
        JsonNode o1 = daemon.events("o1");
        assertThat(o1.toString()).contains("\"kind\":\"tool_call\"").contains("\"kind\":\"tool_result\"")
            .contains("Done. The command's output was:");
        assertThat(Launcher.types(o1)).doesNotContain("error", "session.ended");

        assertThat(createSession(daemon, "o2", "opencode-acp").statusCode()).isEqualTo(200);
        daemon.post("/v1/sessions/o2/messages", "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask = daemon.awaitEvent("o2", 0, Launcher.ofType("permission.requested"), TIMEOUT);
        String id = ask.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/o2/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode())
            .isEqualTo(204);
        int end3 = daemon.awaitEvent("o2", ask.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"),
            TIMEOUT).get("sequence").asInt();
        assertThat(project.resolve("created-by-agent.txt")).exists();

        Files.delete(project.resolve("created-by-agent.txt"));
        daemon.post("/v1/sessions/o2/messages", "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask2 = daemon.awaitEvent("o2", end3, Launcher.ofType("permission.requested"), TIMEOUT);
        String id2 = ask2.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/o2/permissions/" + id2 + "/reply", "{\"reply\":\"reject\"}").statusCode())
            .isEqualTo(204);
        daemon.awaitEvent("o2", ask2.get("sequence").asInt(), e -> Launcher.statusCompleted("turn.completed").test(e)
            || e.get("type").asText().equals("error"), TIMEOUT);
        assertThat(project.resolve("created-by-agent.txt")).doesNotExist();

        for (String session : List.of("o1", "o2")) {
          assertThat(daemon.post("/v1/sessions/" + session + "/terminate", "").statusCode()).isEqualTo(204);
        }
        assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()),
            LiveTerminate.GONE_WITHIN)).as("processes left after terminate").isEmpty();
      } finally {
        daemon.stop();
      }
    }
  }

  /**
   * Qwen Code ({@code qwen --acp}) against {@link FakeChatCompletions} (OpenAI-compatible, calling
   * Qwen's {@code run_shell_command}): two plain turns and a tool turn of one conversation; in
   * another, a command approved and one declined; then a terminate that leaves nothing running.
   */
  @Test
  void theDaemonDrivesTheRealQwenCodeOverAcp() throws Exception {
    Path program = LiveAgents.program("qwen");
    Path project = Files.createDirectories(work.resolve("project"));
    Path bin = recordingWrapper(program, "qwen");
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeChatCompletions model = new FakeChatCompletions()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("OPENAI_API_KEY", "sk-fake-key");
      env.put("OPENAI_BASE_URL", model.baseUrl());
      env.put("OPENAI_MODEL", "fake-model");
      env.put("PATH", bin + ":" + System.getenv("PATH"));
      Launcher daemon = Launcher.start(project, "t",
          List.of("--acp-agents", entries("qwen", "qwen-recorded", "[\"--acp\"]").toString()), env);
      try {
        assertThat(createSession(daemon, "q1", "qwen").statusCode()).isEqualTo(200);
        int end1 = turn(daemon, "q1", 0, "Say hello.", Reply.NOT_ASKED);
        int end2 = turn(daemon, "q1", end1, "Say hello again.", Reply.NOT_ASKED);
        JsonNode events = daemon.events("q1");
        assertThat(events.toString()).contains(FakeChatCompletions.HELLO).contains("end_turn");

        turn(daemon, "q1", end2, ScriptedPrompts.ECHO, Reply.ONCE_IF_ASKED);
        assertToolTurn(daemon, "q1", end2, "echo hi");
        assertThat(model.toolResults).as("the model received the command's output").anyMatch(r -> r.contains("hi"));
        assertThat(Launcher.types(daemon.events("q1"))).doesNotContain("error", "agent.unparsed", "session.ended");

        assertApprovedAndDeclined(daemon, "q2", true, "qwen", project, model.toolResults, "canceled by the user");
        terminateLeavesNothing(daemon, marked, "q1", "q2");
      } finally {
        daemon.stop();
      }
    }
  }

  /**
   * claude-agent-acp against {@link FakeAnthropic}: a plain turn, then a command that needs approval,
   * granted, then one declined, then a terminate that leaves nothing running. As root, Claude Code
   * runs only when told it is in a sandbox ({@code IS_SANDBOX=1}).
   */
  @Test
  void theDaemonDrivesTheRealClaudeAgentAcp() throws Exception {
    Path program = LiveAgents.program("claude-acp");
    Path project = Files.createDirectories(work.resolve("project"));
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeAnthropic model = new FakeAnthropic()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("ANTHROPIC_BASE_URL", model.baseUrl());
      env.put("ANTHROPIC_API_KEY", "sk-ant-fake-key");
      env.put("IS_SANDBOX", "1");
      env.put("PATH", recordingWrapper(program, "claude-acp") + ":" + program.getParent() + ":" + System.getenv("PATH"));
      Launcher daemon = Launcher.start(project, "t",
          List.of("--acp-agents", entries("claude-acp", "claude-acp-recorded", "[]", "[\"images\"]").toString()), env);
      try {
        assertThat(createSession(daemon, "c1", "claude-acp").statusCode()).isEqualTo(200);
        turn(daemon, "c1", 0, "Say hello.", Reply.NOT_ASKED);
        assertThat(daemon.events("c1").toString()).contains(FakeAnthropic.HELLO);
        // An image and a file, as ACP image and embedded resource blocks, reach the model.
        TestAttachments.write(project).sendBothThenInline(daemon, "c1", model.bodies, "turn.completed");
        // Usage: each turn reports the tokens of the prompt's answer, and the listing sums them.
        long input = 0;
        int turns = 0;
        for (JsonNode e : daemon.events("c1")) {
          JsonNode usage = e.path("data").path("item").path("content").path(0).path("usage");
          if (e.get("type").asText().equals("item.completed") && usage.isObject()) {
            input += usage.get("input_tokens").asLong();
            turns++;
          }
        }
        JsonNode listed = Launcher.json(daemon.get("/v1/sessions")).get("sessions").get(0).get("usage");
        System.out.println("LIVE claude-acp usage: " + listed + " over " + turns + " turns");
        assertThat(turns).isEqualTo(3);
        // The fake model reports 10 input tokens for each answer; a turn is at least one answer.
        assertThat(input).isGreaterThanOrEqualTo(30).isEqualTo(listed.get("input_tokens").asLong());
        assertThat(input % 10).isZero();
        assertApprovedAndDeclined(daemon, "c1", false, "claude-acp", project, model.toolResults,
            "refused permission");
        terminateLeavesNothing(daemon, marked, "c1");
      } finally {
        daemon.stop();
      }
    }
  }

  /**
   * codex-acp against {@link FakeResponses} (a {@code CODEX_HOME} whose configuration points Codex
   * there), in Codex's workspace-write mode ({@code INITIAL_AGENT_MODE}), where it asks the user only
   * for a command the model wants run outside the sandbox: two plain turns and a tool turn ({@code
   * exec_command}); in another session, a command asking to leave the sandbox approved and one
   * declined; then a terminate that leaves nothing running.
   */
  @Test
  void theDaemonDrivesTheRealCodexAcp() throws Exception {
    Path program = LiveAgents.program("codex-acp");
    Path project = Files.createDirectories(work.resolve("project"));
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeResponses model = FakeResponses.escalatingWrites()) {
      Path codexHome = Files.createDirectories(work.resolve("codex-home"));
      Files.writeString(codexHome.resolve("config.toml"), """
          model_provider = "fake"
          model = "gpt-5.5"
          check_for_update_on_startup = false

          [analytics]
          enabled = false

          [model_providers.fake]
          name = "fake"
          base_url = "%s"
          env_key = "OPENAI_API_KEY"
          wire_api = "responses"
          """.formatted(model.baseUrl()));
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("CODEX_HOME", codexHome.toString());
      env.put("OPENAI_API_KEY", "sk-fake-key");
      env.put("INITIAL_AGENT_MODE", "workspace-write");
      env.put("PATH", recordingWrapper(program, "codex-acp") + ":" + System.getenv("PATH"));
      Launcher daemon = Launcher.start(project, "t",
          List.of("--acp-agents", entries("codex-acp", "codex-acp-recorded", "[]").toString()), env);
      try {
        assertThat(createSession(daemon, "x1", "codex-acp").statusCode()).isEqualTo(200);
        int end1 = turn(daemon, "x1", 0, "Say hello.", Reply.NOT_ASKED);
        int end2 = turn(daemon, "x1", end1, "Say hello again.", Reply.NOT_ASKED);
        assertThat(daemon.events("x1").toString()).contains(FakeResponses.HELLO);

        turn(daemon, "x1", end2, ScriptedPrompts.ECHO, Reply.NOT_ASKED);
        assertToolTurn(daemon, "x1", end2, "echo hi");
        assertThat(model.toolResults).as("the model received the command's output").isNotEmpty();
        assertThat(Launcher.types(daemon.events("x1"))).doesNotContain("error", "agent.unparsed", "session.ended");

        assertApprovedAndDeclined(daemon, "x2", true, "codex-acp", project, model.toolResults, null);
        terminateLeavesNothing(daemon, marked, "x1", "x2");
      } finally {
        daemon.stop();
      }
    }
  }

  /**
   * Gemini CLI ({@code gemini --acp}) against {@link FakeGemini} ({@code GOOGLE_GEMINI_BASE_URL},
   * with a Gemini API key): two plain turns and a tool turn ({@code run_shell_command}) of one
   * conversation; in another, a command approved and one declined; then a terminate that leaves
   * nothing running.
   */
  @Test
  void theDaemonDrivesTheRealGeminiCli() throws Exception {
    Path program = LiveAgents.program("gemini");
    Path project = Files.createDirectories(work.resolve("project"));
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeGemini model = new FakeGemini()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("GEMINI_API_KEY", "fake-gemini-key");
      env.put("GOOGLE_GEMINI_BASE_URL", model.baseUrl());
      env.put("PATH", recordingWrapper(program, "gemini") + ":" + System.getenv("PATH"));
      Launcher daemon = Launcher.start(project, "t",
          List.of("--acp-agents", entries("gemini", "gemini-recorded", "[\"--acp\"]").toString()), env);
      try {
        assertThat(createSession(daemon, "g1", "gemini").statusCode()).isEqualTo(200);
        int end1 = turn(daemon, "g1", 0, "Say hello.", Reply.NOT_ASKED);
        int end2 = turn(daemon, "g1", end1, "Say hello again.", Reply.NOT_ASKED);
        assertThat(daemon.events("g1").toString()).contains(FakeGemini.HELLO).contains("end_turn");

        turn(daemon, "g1", end2, ScriptedPrompts.ECHO, Reply.ONCE_IF_ASKED);
        assertToolTurn(daemon, "g1", end2, "echo hi");
        assertThat(model.toolResults).as("the model received the command's output").anyMatch(r -> r.contains("hi"));
        assertThat(Launcher.types(daemon.events("g1"))).doesNotContain("error", "agent.unparsed", "session.ended");

        assertApprovedAndDeclined(daemon, "g2", true, "gemini", project, model.toolResults, "canceled by the user");
        terminateLeavesNothing(daemon, marked, "g1", "g2");
      } finally {
        daemon.stop();
      }
    }
  }

  /**
   * Copilot CLI ({@code copilot --acp}, the shipped entry, installed by the daemon from its platform
   * package) without GitHub credentials: it talks only to GitHub's service, so a session is refused
   * within seconds with the agent's own reason, and no process is left.
   */
  @Test
  void copilotWithoutCredentialsIsRefusedClearlyAndQuickly() throws Exception {
    Path program = LiveAgents.program("copilot");
    Path project = Files.createDirectories(work.resolve("project"));
    MarkedProcesses marked = new MarkedProcesses();
    Map<String, String> env = new HashMap<>(marked.environment());
    env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
    env.put("PATH", program.getParent() + ":" + System.getenv("PATH"));
    for (String token : List.of("COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN")) {
      env.put(token, "");
    }
    Launcher daemon = Launcher.start(project, "t", List.of(), env);
    try {
      long start = System.nanoTime();
      HttpResponse<String> response = createSession(daemon, "p1", "copilot");
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "LIVE copilot without credentials: %d in %.1f s: %s%n", response.statusCode(),
          seconds, response.body());
      assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
      assertThat(response.body()).contains("Authentication required");
      assertThat(seconds).as("refused within seconds").isLessThan(60);
      assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()),
          LiveTerminate.GONE_WITHIN)).as("processes left after the refusal").isEmpty();
    } finally {
      daemon.stop();
    }
  }

  /** How a turn's permission request is answered. */
  private enum Reply {
    /** The turn must not ask. */
    NOT_ASKED,
    /** A request is approved once; the turn may also run without asking. */
    ONCE_IF_ASKED,
    /** The turn must ask; approved once. */
    ONCE,
    /** The turn must ask; declined. */
    REJECT
  }

  /**
   * Sends {@code message} to {@code session} and waits for the turn to end (its {@code turn.completed},
   * or an error after a decline), answering its permission request as {@code reply} says and checking
   * the request's resolution; returns the sequence of the turn's last event.
   */
  private static int turn(Launcher daemon, String session, int after, String message, Reply reply) throws Exception {
    daemon.post("/v1/sessions/" + session + "/messages", Launcher.JSON.createObjectNode().put("message", message).toString());
    JsonNode next = daemon.awaitEvent(session, after, e -> Launcher.statusCompleted("turn.completed").test(e)
        || e.get("type").asText().equals("permission.requested"), TIMEOUT);
    if (next.get("type").asText().equals("turn.completed") || !next.get("type").asText().equals("permission.requested")) {
      assertThat(reply).as("the turn ended without asking: %s", daemon.events(session))
          .isIn(Reply.NOT_ASKED, Reply.ONCE_IF_ASKED);
      return next.get("sequence").asInt();
    }
    assertThat(reply).as("the turn asked: %s", next).isNotEqualTo(Reply.NOT_ASKED);
    String id = next.get("data").get("permission_id").asText();
    String answer = reply == Reply.REJECT ? "reject" : "once";
    assertThat(daemon.post("/v1/sessions/" + session + "/permissions/" + id + "/reply", "{\"reply\":\"" + answer + "\"}")
        .statusCode()).isEqualTo(204);
    JsonNode resolved = daemon.awaitEvent(session, next.get("sequence").asInt(),
        e -> e.get("type").asText().equals("permission.resolved"), TIMEOUT);
    assertThat(resolved.get("data").get("permission_id").asText()).isEqualTo(id);
    assertThat(resolved.get("data").get("status").asText()).isEqualTo(reply == Reply.REJECT ? "denied" : "approved");
    return daemon.awaitEvent(session, resolved.get("sequence").asInt(), e -> Launcher.statusCompleted("turn.completed")
        .test(e) || e.get("type").asText().equals("error"), TIMEOUT).get("sequence").asInt();
  }

  /** The turn after {@code after} has a tool call and its result mentioning {@code command}, and the model's answer to it. */
  private static void assertToolTurn(Launcher daemon, String session, int after, String command) throws Exception {
    String turn = since(daemon.events(session), after);
    assertThat(turn).contains("\"kind\":\"tool_call\"").contains("\"kind\":\"tool_result\"").contains(command)
        .contains("Done. The command's output was:");
  }

  /**
   * In {@code session} of {@code agent} (created when {@code create}): {@code touch} approved (the
   * file is made, the model gets the tool's output), then declined (no file; the turn ends, and the
   * model is told {@code declinedResult}, or, when it is null, the agent tells the model nothing).
   */
  private static void assertApprovedAndDeclined(Launcher daemon, String session, boolean create, String agent,
      Path project, List<String> toolResults, String declinedResult) throws Exception {
    if (create) {
      assertThat(createSession(daemon, session, agent).statusCode()).isEqualTo(200);
    }
    int before = lastSequence(daemon, session);
    int results = toolResults.size();
    int approved = turn(daemon, session, before, ScriptedPrompts.TOUCH, Reply.ONCE);
    assertThat(project.resolve("created-by-agent.txt")).as("approved: %s", daemon.events(session)).exists();
    assertThat(since(daemon.events(session), before)).contains("\"kind\":\"tool_call\"")
        .contains("\"kind\":\"tool_result\"")
        .contains("Done. The command's output was:");
    assertThat(toolResults.size()).as("the model received the approved command's output").isGreaterThan(results);

    Files.delete(project.resolve("created-by-agent.txt"));
    int declinedFrom = toolResults.size();
    turn(daemon, session, approved, ScriptedPrompts.TOUCH, Reply.REJECT);
    assertThat(project.resolve("created-by-agent.txt")).as("declined: %s", daemon.events(session)).doesNotExist();
    List<String> declined = toolResults.subList(declinedFrom, toolResults.size());
    System.out.printf(Locale.ROOT, "LIVE %s declined; the model received %s%n", agent, declined);
    if (declinedResult == null) {
      assertThat(declined).as("the model is not asked again after a decline").isEmpty();
    } else {
      assertThat(declined).as("the model is told of the decline").singleElement().asString().contains(declinedResult);
    }
  }

  /**
   * Creates a session of {@code agent}, which starts the agent and sets up its conversation: a cold
   * start of some agents (OpenCode's first, in a new home) takes longer than the usual request timeout.
   */
  private static HttpResponse<String> createSession(Launcher daemon, String session, String agent) {
    return daemon.send(daemon.request("/v1/sessions/" + session).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"agent\":\"" + agent + "\"}")).build());
  }

  private static String since(JsonNode events, int after) {
    StringBuilder out = new StringBuilder();
    for (JsonNode e : events) {
      if (e.path("sequence").asInt() > after) {
        out.append(e).append('\n');
      }
    }
    return out.toString();
  }

  private static int lastSequence(Launcher daemon, String session) throws Exception {
    int last = 0;
    for (JsonNode e : daemon.events(session)) {
      last = Math.max(last, e.path("sequence").asInt());
    }
    return last;
  }

  private static void terminateLeavesNothing(Launcher daemon, MarkedProcesses marked, String... sessions)
      throws Exception {
    for (String session : sessions) {
      assertThat(daemon.post("/v1/sessions/" + session + "/terminate", "").statusCode()).isEqualTo(204);
    }
    assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()),
        LiveTerminate.GONE_WITHIN)).as("processes left after terminate").isEmpty();
  }

  /** A directory with one entry replacing the shipped {@code id}: {@code program} with {@code args}. */
  private Path entries(String id, String program, String args) throws Exception {
    return entries(id, program, args, "[]");
  }

  /** As {@link #entries(String, String, String)}, with these capability names. */
  private Path entries(String id, String program, String args, String capabilities) throws Exception {
    Path entries = Files.createDirectories(work.resolve("acp-agents"));
    Files.writeString(entries.resolve(id + ".json"), "{\"id\": \"" + id + "\", \"install\": {\"path\": \"" + program
        + "\"}, \"args\": " + args + ", \"capabilities\": " + capabilities + "}");
    return entries;
  }

  /**
   * A directory holding {@code <name>-recorded}, which runs {@code program} and copies its stdout to
   * {@code target/acp-live/<name>.jsonl}.
   */
  private Path recordingWrapper(Path program, String name) throws Exception {
    Path record = Files.createDirectories(Path.of("target", "acp-live")).resolve(name + ".jsonl").toAbsolutePath();
    Files.deleteIfExists(record);
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path wrapper = bin.resolve(name + "-recorded");
    Files.writeString(wrapper, "#!/bin/sh\n\"" + program + "\" \"$@\" | tee -a \"" + record + "\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }
}
