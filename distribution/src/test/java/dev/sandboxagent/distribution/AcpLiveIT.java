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
 * The real OpenCode in ACP mode ({@code opencode acp}, the shipped {@code opencode-acp} entry),
 * installed by the daemon from npm (once per run, by {@link LiveAgents}), driven through the
 * daemon's API against {@link FakeChatCompletions} on loopback: a plain turn, a tool turn, an
 * approval granted and one declined, and a terminate that leaves nothing running. What the agent
 * writes is kept in {@code target/acp-live/opencode-acp.jsonl} (a user's entry replaces the shipped
 * one with a wrapper that copies its stdout), the source of the plugin's recorded fixtures.
 * Skipped when the registry cannot be reached or with {@code -DskipLive}.
 */
@Timeout(600)
class AcpLiveIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path work;

  @Test
  void theDaemonDrivesTheRealOpenCodeOverAcp() throws Exception {
    Path program = LiveAgents.program("opencode-acp");
    Path project = Files.createDirectories(work.resolve("project"));
    Path record = Files.createDirectories(Path.of("target", "acp-live")).resolve("opencode-acp.jsonl").toAbsolutePath();
    Files.deleteIfExists(record);
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path wrapper = bin.resolve("opencode-recorded");
    Files.writeString(wrapper, "#!/bin/sh\n\"" + program + "\" \"$@\" | tee -a \"" + record + "\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
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
        System.out.println("LIVE opencode-acp events: " + daemon.events("o2"));

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
}
