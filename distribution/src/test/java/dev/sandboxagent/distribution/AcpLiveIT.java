package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ACP agents driven through the daemon's API against fake model servers on loopback, each
 * started through a user's entry ({@code --acp-agents}) that copies what the agent writes to {@code
 * target/acp-live/<agent>.jsonl}, the source of the plugin's recorded fixtures. OpenCode in ACP mode
 * ({@code opencode acp}, as the shipped {@code opencode-acp} entry starts it), installed by the daemon
 * from npm: a plain turn, a tool turn, an approval granted and one declined, and a terminate that
 * leaves nothing running. Qwen Code ({@code qwen --acp}), claude-agent-acp and codex-acp, installed
 * with npm, against the fake Chat Completions, Anthropic and Responses servers. Skipped when the
 * registry cannot be reached or with {@code -DskipLive}.
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
        assertThat(daemon.post("/v1/sessions/o1", "{\"agent\":\"opencode-acp\"}").statusCode()).isEqualTo(200);
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

        assertThat(daemon.post("/v1/sessions/o2", "{\"agent\":\"opencode-acp\"}").statusCode()).isEqualTo(200);
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
   * Qwen Code ({@code qwen --acp}), a Node.js program installed with npm as its users do, against
   * {@link FakeChatCompletions} (OpenAI-compatible): two turns of one conversation, then a terminate
   * that leaves nothing running.
   */
  @Test
  void theDaemonDrivesTheRealQwenCodeOverAcp() throws Exception {
    Path program = LiveAgents.npmProgram("@qwen-code/qwen-code", "0.15.10", "qwen");
    Path project = Files.createDirectories(work.resolve("project"));
    Path bin = recordingWrapper(program, "qwen");
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeChatCompletions model = new FakeChatCompletions()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("OPENAI_API_KEY", "sk-fake-key");
      env.put("OPENAI_BASE_URL", model.baseUrl());
      env.put("OPENAI_MODEL", "fake-model");
      env.put("PATH", bin + ":" + program.getParent() + ":" + System.getenv("PATH"));
      Path entries = Files.createDirectories(work.resolve("acp-agents"));
      Files.writeString(entries.resolve("qwen.json"), """
          {"id": "qwen", "displayName": "Qwen Code", "install": {"path": "qwen-recorded"}, "args": ["--acp"]}
          """);
      Launcher daemon = Launcher.start(project, "t", List.of("--acp-agents", entries.toString()), env);
      try {
        assertThat(daemon.post("/v1/sessions/q1", "{\"agent\":\"qwen\"}").statusCode()).isEqualTo(200);
        daemon.post("/v1/sessions/q1/messages", "{\"message\":\"Say hello.\"}");
        int end1 = daemon.awaitEvent("q1", 0, Launcher.statusCompleted("turn.completed"), TIMEOUT)
            .get("sequence").asInt();
        daemon.post("/v1/sessions/q1/messages", "{\"message\":\"Say hello again.\"}");
        daemon.awaitEvent("q1", end1, Launcher.statusCompleted("turn.completed"), TIMEOUT);
        JsonNode events = daemon.events("q1");
        assertThat(events.toString()).contains(FakeChatCompletions.HELLO).contains("end_turn");
        assertThat(Launcher.types(events)).doesNotContain("error", "agent.unparsed", "session.ended");
        assertThat(daemon.post("/v1/sessions/q1/terminate", "").statusCode()).isEqualTo(204);
        assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()),
            LiveTerminate.GONE_WITHIN)).as("processes left after terminate").isEmpty();
      } finally {
        daemon.stop();
      }
    }
  }

  /**
   * claude-agent-acp, installed with npm, against {@link FakeAnthropic}: a plain turn, then a command
   * that needs approval, granted, then a terminate that leaves nothing running. As root, Claude Code
   * runs only when told it is in a sandbox ({@code IS_SANDBOX=1}).
   */
  @Test
  void theDaemonDrivesTheRealClaudeAgentAcp() throws Exception {
    Path program = LiveAgents.npmProgram("@agentclientprotocol/claude-agent-acp", "0.49.0", "claude-agent-acp");
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
          List.of("--acp-agents", entries("claude-acp", "claude-acp-recorded", "[]").toString()), env);
      try {
        assertThat(daemon.post("/v1/sessions/c1", "{\"agent\":\"claude-acp\"}").statusCode()).isEqualTo(200);
        daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}");
        int end1 = daemon.awaitEvent("c1", 0, Launcher.statusCompleted("turn.completed"), TIMEOUT)
            .get("sequence").asInt();
        assertThat(daemon.events("c1").toString()).contains(FakeAnthropic.HELLO);
        daemon.post("/v1/sessions/c1/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask = daemon.awaitEvent("c1", end1, Launcher.ofType("permission.requested"), TIMEOUT);
        String id = ask.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/c1/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode())
            .isEqualTo(204);
        daemon.awaitEvent("c1", ask.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"), TIMEOUT);
        assertThat(project.resolve("created-by-agent.txt")).exists();
        assertThat(Launcher.types(daemon.events("c1"))).doesNotContain("error", "agent.unparsed", "session.ended");
        assertThat(daemon.post("/v1/sessions/c1/terminate", "").statusCode()).isEqualTo(204);
        assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()),
            LiveTerminate.GONE_WITHIN)).as("processes left after terminate").isEmpty();
      } finally {
        daemon.stop();
      }
    }
  }

  /**
   * codex-acp, installed with npm, against {@link FakeResponses} (a {@code CODEX_HOME} whose
   * configuration points Codex there): two turns, then a terminate that leaves nothing running.
   */
  @Test
  void theDaemonDrivesTheRealCodexAcp() throws Exception {
    Path program = LiveAgents.npmProgram("@agentclientprotocol/codex-acp", "2.6.0", "codex-acp");
    Path project = Files.createDirectories(work.resolve("project"));
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeResponses model = new FakeResponses()) {
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
      env.put("PATH", recordingWrapper(program, "codex-acp") + ":" + program.getParent() + ":" + System.getenv("PATH"));
      Launcher daemon = Launcher.start(project, "t",
          List.of("--acp-agents", entries("codex-acp", "codex-acp-recorded", "[]").toString()), env);
      try {
        assertThat(daemon.post("/v1/sessions/x1", "{\"agent\":\"codex-acp\"}").statusCode()).isEqualTo(200);
        daemon.post("/v1/sessions/x1/messages", "{\"message\":\"Say hello.\"}");
        int end1 = daemon.awaitEvent("x1", 0, Launcher.statusCompleted("turn.completed"), TIMEOUT)
            .get("sequence").asInt();
        daemon.post("/v1/sessions/x1/messages", "{\"message\":\"Say hello again.\"}");
        daemon.awaitEvent("x1", end1, Launcher.statusCompleted("turn.completed"), TIMEOUT);
        JsonNode events = daemon.events("x1");
        assertThat(events.toString()).contains(FakeResponses.HELLO);
        assertThat(Launcher.types(events)).doesNotContain("error", "agent.unparsed", "session.ended");
        assertThat(daemon.post("/v1/sessions/x1/terminate", "").statusCode()).isEqualTo(204);
        assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()),
            LiveTerminate.GONE_WITHIN)).as("processes left after terminate").isEmpty();
      } finally {
        daemon.stop();
      }
    }
  }

  /** A directory with one entry replacing the shipped {@code id}: {@code program} with {@code args}. */
  private Path entries(String id, String program, String args) throws Exception {
    Path entries = Files.createDirectories(work.resolve("acp-agents"));
    Files.writeString(entries.resolve(id + ".json"),
        "{\"id\": \"" + id + "\", \"install\": {\"path\": \"" + program + "\"}, \"args\": " + args + "}");
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
