package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real OpenCode, installed from the npm registry (once per run, by {@link LiveAgents}), driven
 * through the daemon's API against {@link FakeChatCompletions} on loopback: a plain turn, a tool turn,
 * an approval granted and one declined, two sessions at once, and a terminate while a command runs.
 * Skipped when the registry cannot be reached or with {@code -DskipLive}.
 */
@Timeout(600)
class OpenCodeLiveIT {

  private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(120);

  @TempDir Path work;

  @Test
  void anImageAndAFileSentWithAMessageReachTheModelAndUsageAddsUp() throws Exception {
    Path program = LiveAgents.program("opencode");
    Path project = Files.createDirectories(work.resolve("project"));
    TestAttachments attachments = TestAttachments.write(project);
    try (FakeChatCompletions model = new FakeChatCompletions()) {
      Map<String, String> env = Map.of("HOME", Files.createDirectories(work.resolve("home")).toString(),
          "OPENCODE_CONFIG_CONTENT", model.openCodeConfig());
      Launcher daemon = Launcher.start(project, "t", List.of("--agent-bin", "opencode=" + program), env);
      try {
        assertThat(daemon.post("/v1/sessions/a", "{\"agent\":\"opencode\"}").statusCode()).isEqualTo(200);
        attachments.sendBothThenInline(daemon, "a", model.bodies, "session.idle");

        // Usage: the fake model reports 10 input and 5 output tokens for each answer; the session's
        // turns are the requests with tools (OpenCode also asks its small model for a title, without).
        long answers = model.bodies.stream().filter(b -> b.contains("\"tools\"")).count();
        JsonNode usage = Launcher.json(daemon.get("/v1/sessions")).get("sessions").get(0).get("usage");
        System.out.println("LIVE opencode usage: " + usage + " over " + answers + " answers of "
            + model.bodies.size() + " model requests");
        assertThat(usage.get("input_tokens").asLong()).isEqualTo(10 * answers);
        assertThat(usage.get("output_tokens").asLong()).isEqualTo(5 * answers);
      } finally {
        daemon.stop();
      }
    }
  }

  @Test
  void theDaemonDrivesTheRealOpenCode() throws Exception {
    Path program = LiveAgents.program("opencode");
    Path project = Files.createDirectories(work.resolve("project"));
    try (FakeChatCompletions model = new FakeChatCompletions()) {
      Map<String, String> env = Map.of("HOME", Files.createDirectories(work.resolve("home")).toString(),
          "OPENCODE_CONFIG_CONTENT", model.openCodeConfig());
      Launcher daemon = Launcher.start(project, "t", List.of("--agent-bin", "opencode=" + program), env);
      try {
        long t0 = System.nanoTime();
        assertThat(daemon.post("/v1/sessions/c1", "{\"agent\":\"opencode\"}").statusCode())
            .isEqualTo(200);
        daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}");
        int end1 = daemon.awaitEvent("c1", 0, Launcher.statusCompleted("session.idle"), TIMEOUT).get("sequence").asInt();
        long t1 = System.nanoTime();
        daemon.post("/v1/sessions/c1/messages",
            "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
        int end2 = daemon.awaitEvent("c1", end1, Launcher.statusCompleted("session.idle"), TIMEOUT).get("sequence").asInt();
        long t2 = System.nanoTime();
        String c1 = Launcher.json(daemon.get("/v1/sessions/c1/events")).toString();
        assertThat(c1).contains(FakeChatCompletions.HELLO).contains("Done. The command's output was:");

        assertThat(daemon.post("/v1/sessions/c2", "{\"agent\":\"opencode\"}").statusCode())
            .isEqualTo(200);
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask = daemon.awaitEvent("c2", 0, Launcher.ofType("permission.requested"), TIMEOUT);
        String id = ask.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/c2/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode())
            .isEqualTo(204);
        int end3 = daemon.awaitEvent("c2", ask.get("sequence").asInt(), Launcher.statusCompleted("session.idle"), TIMEOUT).get("sequence").asInt();
        assertThat(project.resolve("created-by-agent.txt")).exists();
        long t3 = System.nanoTime();

        Files.delete(project.resolve("created-by-agent.txt"));
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask2 = daemon.awaitEvent("c2", end3, Launcher.ofType("permission.requested"), TIMEOUT);
        String id2 = ask2.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/c2/permissions/" + id2 + "/reply", "{\"reply\":\"reject\"}").statusCode())
            .isEqualTo(204);
        daemon.awaitEvent("c2", ask2.get("sequence").asInt(), Launcher.statusCompleted("session.idle"), TIMEOUT);
        assertThat(project.resolve("created-by-agent.txt")).doesNotExist();
        long t4 = System.nanoTime();

        // two sessions of the one server at once
        int c1Before = Launcher.json(daemon.get("/v1/sessions/c1/events")).get("events").size();
        int c2Before = Launcher.json(daemon.get("/v1/sessions/c2/events")).get("events").size();
        daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}");
        daemon.post("/v1/sessions/c2/messages",
            "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
        daemon.awaitEvent("c1", c1Before, Launcher.statusCompleted("session.idle"), TIMEOUT);
        daemon.awaitEvent("c2", c2Before, Launcher.statusCompleted("session.idle"), TIMEOUT);
        long t5 = System.nanoTime();
        System.out.printf(Locale.ROOT, "LIVE opencode: two concurrent turns on one server %.2f s%n", (t5 - t4) / 1e9);
        assertThat(Launcher.json(daemon.get("/v1/agents")).get("agents").get(2).get("serverStatus").get("restartCount")
            .asInt()).isZero();
        // OpenCode keeps its sessions in the daemon's data directory, not in the daemon's own
        // XDG_DATA_HOME (where `opencode --version`, run to check the install, writes its log).
        assertThat(storedSessions(Launcher.dataDir(project).resolve("agents/opencode/_default/data/opencode"))).isNotEmpty();
        assertThat(storedSessions(project.resolve("data/opencode"))).isEmpty();
        System.out.printf(Locale.ROOT, "LIVE opencode: first turn %.2f s (server start included), tool turn %.2f s, "
            + "approved turn %.2f s, declined turn %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
            (t4 - t3) / 1e9);
        System.out.println("LIVE opencode c2 events: "
            + Launcher.types(Launcher.json(daemon.get("/v1/sessions/c2/events")).get("events")));
      } finally {
        daemon.stop();
      }
    }
  }

  @Test
  void terminateStopsTheRunningCommandAndTheModelHearsNoMore() throws Exception {
    Path program = LiveAgents.program("opencode");
    Path project = Files.createDirectories(work.resolve("project"));
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeChatCompletions model = new FakeChatCompletions()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("OPENCODE_CONFIG_CONTENT", model.openCodeConfig());
      Launcher daemon = Launcher.start(project, "t", List.of("--agent-bin", "opencode=" + program), env);
      try {
        LiveTerminate.terminateWhileTheCommandRuns(daemon, marked, model.requests, "opencode", "c1",
            "{\"agent\":\"opencode\"}");
      } finally {
        daemon.stop();
      }
      LiveTerminate.assertNothingLeft(marked);
    }
  }

  /** OpenCode's stored sessions under its data directory: its storage files or its database. */
  private static List<Path> storedSessions(Path openCodeData) throws IOException {
    if (!Files.isDirectory(openCodeData)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(openCodeData)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> f.toString().contains("/storage/") || f.getFileName().toString().endsWith(".db"))
          .toList();
    }
  }
}
