package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code, installed from the npm registry (once per run, by {@link LiveAgents}),
 * against {@link FakeAnthropic} on loopback: turns with tools and approvals, and a terminate while a
 * command runs. Skipped when the registry cannot be reached or with {@code -DskipLive}.
 */
@Timeout(600)
class ClaudeLiveIT {

  private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(120);

  static Path program;

  @TempDir Path work;

  @BeforeAll
  static void install() {
    program = LiveAgents.program("claude");
  }

  private static String assistantText(Launcher daemon, String session, int from, int to) {
    StringBuilder text = new StringBuilder();
    for (JsonNode e : Launcher.json(daemon.get("/v1/sessions/" + session + "/events")).get("events")) {
      int seq = e.get("sequence").asInt();
      if (seq > from && seq <= to && e.get("type").asText().equals("item.completed")
          && e.get("data").get("item").get("role").asText().equals("assistant")) {
        text.append(e.get("data").get("item").get("content").toString());
      }
    }
    return text.toString();
  }

  @Test
  void theDaemonDrivesTheRealProgramThroughTheApi() throws Exception {
    try (FakeAnthropic model = new FakeAnthropic()) {
      Path home = Files.createDirectories(work.resolve("home"));
      Map<String, String> env = Map.of("HOME", home.toString(), "ANTHROPIC_BASE_URL", model.baseUrl(),
          "ANTHROPIC_API_KEY", "sk-ant-fake-key");
      Launcher daemon = Launcher.start(work, "t", List.of("--agent-bin", "claude=" + program), env);
      try {
        long t0 = System.nanoTime();
        assertThat(daemon.post("/v1/sessions/live", "{\"agent\":\"claude\"}").statusCode()).isEqualTo(200);
        daemon.post("/v1/sessions/live/messages", "{\"message\":\"Say hello.\"}");
        int end1 = daemon.awaitEvent("live", 0, Launcher.statusCompleted("turn.completed"), TIMEOUT).get("sequence").asInt();
        assertThat(assistantText(daemon, "live", 0, end1)).contains(FakeAnthropic.HELLO);
        long t1 = System.nanoTime();

        daemon.post("/v1/sessions/live/messages",
            "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
        int end2 = daemon.awaitEvent("live", end1, Launcher.statusCompleted("turn.completed"), TIMEOUT).get("sequence").asInt();
        assertThat(assistantText(daemon, "live", end1, end2)).contains("Done. The command's output was: hi");
        long t2 = System.nanoTime();

        daemon.post("/v1/sessions/live/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask = daemon.awaitEvent("live", end2, Launcher.ofType("permission.requested"), TIMEOUT);
        assertThat(ask.get("data").toString()).contains("touch created-by-agent.txt");
        String id = ask.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/live/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode())
            .isEqualTo(204);
        int end3 = daemon.awaitEvent("live", ask.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"), TIMEOUT).get("sequence").asInt();
        assertThat(work.resolve("created-by-agent.txt")).exists();
        long t3 = System.nanoTime();

        Files.delete(work.resolve("created-by-agent.txt"));
        daemon.post("/v1/sessions/live/messages",
            "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
        JsonNode ask2 = daemon.awaitEvent("live", end3, Launcher.ofType("permission.requested"), TIMEOUT);
        String id2 = ask2.get("data").get("permission_id").asText();
        assertThat(daemon.post("/v1/sessions/live/permissions/" + id2 + "/reply", "{\"reply\":\"reject\"}")
            .statusCode()).isEqualTo(204);
        daemon.awaitEvent("live", ask2.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"), TIMEOUT);
        assertThat(work.resolve("created-by-agent.txt")).doesNotExist();
        long t4 = System.nanoTime();

        System.out.printf(java.util.Locale.ROOT,
            "LIVE claude: first turn %.2f s (process start included), tool turn %.2f s, approved turn %.2f s, "
                + "denied turn %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9);
        JsonNode all = Launcher.json(daemon.get("/v1/sessions/live/events")).get("events");
        System.out.println("LIVE claude events: " + Launcher.types(all));
        // Usage: every turn reports the fake model's tokens, and the session listing sums them.
        long input = 0;
        long output = 0;
        int turns = 0;
        for (JsonNode e : all) {
          JsonNode usage = e.path("data").path("item").path("content").path(0).path("usage");
          if (e.get("type").asText().equals("item.completed") && usage.isObject()) {
            input += usage.get("input_tokens").asLong();
            output += usage.get("output_tokens").asLong();
            turns++;
          }
        }
        JsonNode listed = Launcher.json(daemon.get("/v1/sessions")).get("sessions").get(0).get("usage");
        System.out.println("LIVE claude usage: " + listed + " over " + turns + " turns; model requests: "
            + model.requests.all().size());
        assertThat(turns).isEqualTo(4);
        assertThat(listed.get("input_tokens").asLong()).isEqualTo(input);
        assertThat(listed.get("output_tokens").asLong()).isEqualTo(output);
        // The fake model reports 10 input and 5 output tokens for each answer.
        long answers = model.requests.all().stream()
            .filter(r -> r.line().contains("/v1/messages") && !r.line().contains("count_tokens")).count();
        assertThat(input).isEqualTo(10 * answers);
        assertThat(output).isEqualTo(5 * answers);
      } finally {
        daemon.stop();
      }
    }
  }

  @Test
  void bothQuestionsOfAnAskUserQuestionAreShownAndBothAnswersReachTheModel() throws Exception {
    try (FakeAnthropic model = new FakeAnthropic()) {
      Map<String, String> env = Map.of("HOME", Files.createDirectories(work.resolve("home")).toString(),
          "ANTHROPIC_BASE_URL", model.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-fake-key");
      Launcher daemon = Launcher.start(work, "t", List.of("--agent-bin", "claude=" + program), env);
      try {
        assertThat(daemon.post("/v1/sessions/q", "{\"agent\":\"claude\"}").statusCode()).isEqualTo(200);
        daemon.post("/v1/sessions/q/messages",
            Launcher.JSON.createObjectNode().put("message", ScriptedPrompts.TWO_QUESTIONS).toString());
        JsonNode ask = daemon.awaitEvent("q", 0, Launcher.ofType("question.requested"), TIMEOUT);
        JsonNode data = ask.get("data");
        assertThat(data.get("prompt").asText()).isEqualTo("Which color do you want?");
        assertThat(data.get("questions")).hasSize(2);
        assertThat(data.get("questions").get(1).toString()).isEqualTo("{\"header\":\"Sizes\","
            + "\"prompt\":\"Which sizes do you want?\",\"options\":[{\"label\":\"Small\",\"description\":\"The small size\"},"
            + "{\"label\":\"Medium\",\"description\":\"The medium size\"},{\"label\":\"Large\","
            + "\"description\":\"The large size\"}],\"multi_select\":true}");

        String id = data.get("question_id").asText();
        assertThat(daemon.post("/v1/sessions/q/questions/" + id + "/reply",
            "{\"answers\":[[\"Blue\"],[\"Small\",\"Large\"]]}").statusCode()).isEqualTo(204);
        int end = daemon.awaitEvent("q", ask.get("sequence").asInt(), Launcher.statusCompleted("turn.completed"), TIMEOUT)
            .get("sequence").asInt();

        assertThat(model.toolResults).singleElement().asString()
            .contains("Which color do you want?").contains("Blue")
            .contains("Which sizes do you want?").contains("Small, Large");
        assertThat(assistantText(daemon, "q", ask.get("sequence").asInt(), end)).contains("Done.");
        JsonNode resolved = daemon.awaitEvent("q", 0, Launcher.ofType("question.resolved"), TIMEOUT);
        assertThat(resolved.get("data").get("answers").toString()).isEqualTo("[[\"Blue\"],[\"Small\",\"Large\"]]");
        System.out.println("LIVE claude two questions, the model was sent: " + model.toolResults.get(0));
      } finally {
        daemon.stop();
      }
    }
  }

  @Test
  void anImageAndAFileSentWithAMessageReachTheModel() throws Exception {
    try (FakeAnthropic model = new FakeAnthropic()) {
      Map<String, String> env = Map.of("HOME", Files.createDirectories(work.resolve("home")).toString(),
          "ANTHROPIC_BASE_URL", model.baseUrl(), "ANTHROPIC_API_KEY", "sk-ant-fake-key");
      TestAttachments attachments = TestAttachments.write(work);
      Launcher daemon = Launcher.start(work, "t", List.of("--agent-bin", "claude=" + program), env);
      try {
        assertThat(daemon.post("/v1/sessions/a", "{\"agent\":\"claude\"}").statusCode()).isEqualTo(200);
        attachments.sendBothThenInline(daemon, "a", model.bodies, "turn.completed");
        assertThat(daemon.events("a").toString()).contains(FakeAnthropic.HELLO);
        assertThat(model.bodies.get(model.bodies.size() - 1)).contains("\"media_type\":\"image/png\"");
      } finally {
        daemon.stop();
      }
    }
  }

  @Test
  void theFakeModelDrivesAToolTurnOfTheRealProgram() throws Exception {
    try (FakeAnthropic model = new FakeAnthropic()) {
      Path home = Files.createDirectories(work.resolve("home"));
      Path project = Files.createDirectories(work.resolve("project"));
      ProcessBuilder pb = new ProcessBuilder(List.of(program.toString(), "-p",
          "Run the shell command echo hi and tell me what it printed.", "--output-format", "stream-json", "--verbose"))
          .directory(project.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("HOME", home.toString());
      pb.environment().put("ANTHROPIC_BASE_URL", model.baseUrl());
      pb.environment().put("ANTHROPIC_API_KEY", "sk-ant-fake-key");
      pb.environment().put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
      pb.environment().put("DISABLE_AUTOUPDATER", "1");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(err + out).isZero();
      assertThat(out).contains("\"type\":\"result\"").contains("Done. The command's output was: hi");
    }
  }

  @Test
  void terminateStopsTheRunningCommandAndTheModelHearsNoMore() throws Exception {
    MarkedProcesses marked = new MarkedProcesses();
    try (FakeAnthropic model = new FakeAnthropic()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("ANTHROPIC_BASE_URL", model.baseUrl());
      env.put("ANTHROPIC_API_KEY", "sk-ant-fake-key");
      Launcher daemon = Launcher.start(work, "t", List.of("--agent-bin", "claude=" + program), env);
      try {
        LiveTerminate.terminateWhileTheCommandRuns(daemon, marked, model.requests, "claude", "live",
            "{\"agent\":\"claude\",\"permissionMode\":\"bypass\"}");
        // the session's own Claude process goes too: only the daemon is left
        assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()), LiveTerminate.GONE_WITHIN))
            .as("processes left after terminate").isEmpty();
      } finally {
        daemon.stop();
      }
      LiveTerminate.assertNothingLeft(marked);
    }
  }
}
