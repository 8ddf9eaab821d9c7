package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Codex, installed from the npm registry (once per run, by {@link LiveAgents}), driven
 * through the daemon's API against {@link FakeResponses} on loopback: a plain turn, a tool turn, an
 * approval granted and one declined, and a terminate while a command runs. Skipped when the registry
 * cannot be reached or with {@code -DskipLive}.
 */
@Timeout(600)
class CodexLiveIT {

  private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(120);

  @TempDir Path work;

  @Test
  void theDaemonDrivesTheRealCodex() throws Exception {
    Path program = LiveAgents.program("codex");
    Path project = Files.createDirectories(work.resolve("project"));
    try (FakeResponses model = new FakeResponses()) {
      Map<String, String> env = Map.of("HOME", Files.createDirectories(work.resolve("home")).toString(),
          "SANDBOX_AGENT_CODEX_BASE_URL", model.baseUrl(), "SANDBOX_AGENT_CODEX_MODEL", "gpt-5.5",
          "OPENAI_API_KEY", "sk-fake-key");
      Launcher daemon = Launcher.start(project, "t", List.of("--agent-bin", "codex=" + program), env);
      try {
        long t0 = System.nanoTime();
        assertThat(daemon.post("/v1/sessions/c1", "{\"agent\":\"codex\",\"permissionMode\":\"bypass\"}").statusCode())
            .isEqualTo(200);
        daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}");
        int end1 = daemon.awaitEvent("c1", 0, Launcher.statusCompleted("turn.completed"), TIMEOUT).get("sequence").asInt();
        long t1 = System.nanoTime();
        daemon.post("/v1/sessions/c1/messages",
            "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
        int end2 = daemon.awaitEvent("c1", end1, Launcher.statusCompleted("turn.completed"), TIMEOUT).get("sequence").asInt();
        long t2 = System.nanoTime();
        String c1 = Launcher.json(daemon.get("/v1/sessions/c1/events")).toString();
        assertThat(c1).contains(FakeResponses.HELLO).contains("Done. The command's output was:");

        assertThat(daemon.post("/v1/sessions/c2", "{\"agent\":\"codex\",\"permissionMode\":\"plan\"}").statusCode())
            .isEqualTo(200);
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask = daemon.awaitEvent("c2", 0, Launcher.ofType("permission.requested"), TIMEOUT);
        String id = ask.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/c2/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode())
            .isEqualTo(204);
        int end3 = daemon.awaitEvent("c2", ask.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"), TIMEOUT).get("sequence").asInt();
        // approved: Codex ran the command, inside plan mode's read-only sandbox (whether that sandbox
        // can stop the write depends on the machine), so it reports an exit code
        assertThat(commandOutcome(daemon, "c2", ask.get("sequence").asInt(), end3).has("exitCode"))
            .as("approved command ran: %s", daemon.events("c2")).isTrue();
        long t3 = System.nanoTime();

        Files.deleteIfExists(project.resolve("created-by-agent.txt"));
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask2 = daemon.awaitEvent("c2", end3, Launcher.ofType("permission.requested"), TIMEOUT);
        String id2 = ask2.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/c2/permissions/" + id2 + "/reply", "{\"reply\":\"reject\"}").statusCode())
            .isEqualTo(204);
        int end4 = daemon.awaitEvent("c2", ask2.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"), TIMEOUT).get("sequence").asInt();
        JsonNode declined = commandOutcome(daemon, "c2", ask2.get("sequence").asInt(), end4);
        assertThat(declined.path("status").asText()).as("declined command: %s", declined).isEqualTo("Declined");
        assertThat(declined.has("exitCode")).isFalse();
        assertThat(project.resolve("created-by-agent.txt")).doesNotExist();
        long t4 = System.nanoTime();
        System.out.printf(Locale.ROOT, "LIVE codex: first turn %.2f s (server start included), tool turn %.2f s, "
            + "approved turn %.2f s, declined turn %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
            (t4 - t3) / 1e9);
        System.out.println("LIVE codex c2 events: "
            + Launcher.types(Launcher.json(daemon.get("/v1/sessions/c2/events")).get("events")));
      } finally {
        daemon.stop();
      }
    }
  }

  /** The details Codex gave of the command run (or not) between two sequences of a session. */
  private static JsonNode commandOutcome(Launcher daemon, String session, int after, int upTo) {
    for (JsonNode e : daemon.events(session)) {
      int seq = e.get("sequence").asInt();
      JsonNode item = e.get("data").path("item");
      if (seq > after && seq <= upTo && e.get("type").asText().equals("item.completed")
          && item.path("kind").asText().equals("tool_result")) {
        for (JsonNode part : item.path("content")) {
          if (part.path("type").asText().equals("json")) {
            return part.get("json");
          }
        }
      }
    }
    throw new AssertionError("no command result between " + after + " and " + upTo + " in " + daemon.events(session));
  }

  @Test
  void anImageAndAFileSentWithAMessageReachTheModelAndUsageAddsUp() throws Exception {
    Path program = LiveAgents.program("codex");
    Path project = Files.createDirectories(work.resolve("project"));
    TestAttachments attachments = TestAttachments.write(project);
    try (FakeResponses model = new FakeResponses()) {
      Map<String, String> env = Map.of("HOME", Files.createDirectories(work.resolve("home")).toString(),
          "SANDBOX_AGENT_CODEX_BASE_URL", model.baseUrl(), "SANDBOX_AGENT_CODEX_MODEL", "gpt-5.5",
          "OPENAI_API_KEY", "sk-fake-key");
      Launcher daemon = Launcher.start(project, "t", List.of("--agent-bin", "codex=" + program), env);
      try {
        assertThat(daemon.post("/v1/sessions/a", "{\"agent\":\"codex\"}").statusCode()).isEqualTo(200);
        attachments.sendBothThenInline(daemon, "a", model.bodies, "turn.completed");

        // Usage: the fake model reports 10 input and 5 output tokens for each answer.
        long answers = model.requests.all().stream().filter(r -> r.line().startsWith("POST ")).count();
        JsonNode usage = Launcher.json(daemon.get("/v1/sessions")).get("sessions").get(0).get("usage");
        System.out.println("LIVE codex usage: " + usage + " over " + answers + " model answers");
        assertThat(usage.get("input_tokens").asLong()).isEqualTo(10 * answers);
        assertThat(usage.get("output_tokens").asLong()).isEqualTo(5 * answers);
      } finally {
        daemon.stop();
      }
    }
  }

  @Test
  void terminateStopsTheRunningCommandAndTheModelHearsNoMore() throws Exception {
    Path program = LiveAgents.program("codex");
    Path project = Files.createDirectories(work.resolve("project"));
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeResponses model = new FakeResponses()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("SANDBOX_AGENT_CODEX_BASE_URL", model.baseUrl());
      env.put("SANDBOX_AGENT_CODEX_MODEL", "gpt-5.5");
      env.put("OPENAI_API_KEY", "sk-fake-key");
      Launcher daemon = Launcher.start(project, "t", List.of("--agent-bin", "codex=" + program), env);
      try {
        LiveTerminate.terminateWhileTheCommandRuns(daemon, marked, model.requests, "codex", "c1",
            "{\"agent\":\"codex\",\"permissionMode\":\"bypass\"}");
      } finally {
        daemon.stop();
      }
      LiveTerminate.assertNothingLeft(marked);
    }
  }
}
