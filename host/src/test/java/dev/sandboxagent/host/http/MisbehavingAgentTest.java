package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin that throws or returns null from its calls never fails a request with an internal
 * error: commands get a clear problem, listings fall back to what the agent's descriptor says.
 */
class MisbehavingAgentTest {

  @TempDir Path tmp;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(tmp, null, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(MisbehavingAdapter.throwing(), MisbehavingAdapter.returningNull(),
            MisbehavingAdapter.reporting()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAgentThatReturnsNoSessionFailsTheCreateWith502AndLeavesNoSession() {
    HttpResponse<String> created = server.post("/v1/sessions/n", "{\"agent\":\"nulls\"}");
    assertProblem(created, 502, "stream_error", "stream error: agent nulls failed: open returned null");
    assertThat(server.get("/v1/sessions/n/events").statusCode()).isEqualTo(404);
  }

  @Test
  void commandsToAnAgentThatThrowsAre502AndPendingRequestsStayPending() throws Exception {
    // The session opens although its native id cannot be read; it is started without one.
    assertThat(server.post("/v1/sessions/t", "{\"agent\":\"throwing\"}").statusCode()).isEqualTo(200);
    assertProblem(server.post("/v1/sessions/t/messages", "{\"message\":\"hello\"}"), 502, "stream_error",
        "stream error: agent throwing failed: java.lang.IllegalStateException: send broke");
    assertThat(server.post("/v1/sessions/t/messages", "{\"message\":\"ask\"}").statusCode()).isEqualTo(204);
    assertThat(server.awaitEvents("t", 3)).hasSize(3);
    assertProblem(server.post("/v1/sessions/t/questions/q1/reply", "{\"answers\":[[\"Yes\"]]}"), 502,
        "stream_error", "stream error: agent throwing failed: java.lang.IllegalStateException: replyQuestion broke");
    assertProblem(server.postEmpty("/v1/sessions/t/questions/q1/reject"), 502, "stream_error",
        "stream error: agent throwing failed: java.lang.IllegalStateException: rejectQuestion broke");
    assertProblem(server.post("/v1/sessions/t/permissions/p1/reply", "{\"reply\":\"once\"}"), 502, "stream_error",
        "stream error: agent throwing failed: java.lang.IllegalStateException: replyPermission broke");
    JsonNode events = TestServer.json(server.get("/v1/sessions/t/events")).get("events");
    assertThat(events).extracting(e -> e.get("type").asText())
        .containsExactly("session.started", "question.requested", "permission.requested");
    // Closing the agent throws too; the session still ends and goes.
    assertThat(server.postEmpty("/v1/sessions/t/terminate").statusCode()).isEqualTo(204);
    assertThat(server.delete("/v1/sessions/t").statusCode()).isEqualTo(204);
  }

  @Test
  void theAgentListShowsAServerStatusWhenThePluginThrowsOrSaysNothing() {
    HttpResponse<String> listed = server.get("/v1/agents");
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonNode agents = TestServer.json(listed).get("agents");
    JsonNode throwing = agent(agents, "throwing").get("serverStatus");
    assertThat(throwing.get("status").asText()).isEqualTo("error");
    assertThat(throwing.get("lastError").asText())
        .isEqualTo("serverStatus failed: java.lang.IllegalStateException: serverStatus broke");
    assertThat(agent(agents, "nulls").get("serverStatus").get("status").asText()).isEqualTo("stopped");
  }

  @Test
  void modesFallBackToTheDescriptorsWhenThePluginThrowsOrSaysNothing() {
    for (String agent : List.of("throwing", "nulls")) {
      HttpResponse<String> modes = server.get("/v1/agents/" + agent + "/modes");
      assertThat(modes.statusCode()).as(agent).isEqualTo(200);
      assertThat(TestServer.json(modes).get("modes")).extracting(m -> m.get("id").asText()).containsExactly("build");
    }
  }

  @Test
  void anInstallWhosePluginThrowsOrSaysNothingIsInstallFailed() {
    HttpResponse<String> throwing = server.post("/v1/agents/throwing/install", "{}");
    assertProblem(throwing, 500, "install_failed", "install failed: throwing");
    assertThat(TestServer.json(throwing).get("details").get("stderr").asText())
        .isEqualTo("java.lang.IllegalStateException: installSources broke");
    HttpResponse<String> nulls = server.post("/v1/agents/nulls/install", "{}");
    assertProblem(nulls, 500, "install_failed", "install failed: nulls");
    assertThat(TestServer.json(nulls).get("details").get("stderr").asText()).isEqualTo("installSources returned null");
  }

  @Test
  void eachFailureAPluginReportsHasItsProblem() {
    String urn = "{\"type\":\"urn:sandbox-agent:error:";
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("not_installed", urn + "agent_not_installed\",\"title\":\"Agent Not Installed\",\"status\":404,"
        + "\"detail\":\"agent not installed: reporting\",\"agent\":\"reporting\"}");
    expected.put("install_failed", urn + "install_failed\",\"title\":\"Install Failed\",\"status\":500,"
        + "\"detail\":\"install failed: reporting\",\"agent\":\"reporting\","
        + "\"details\":{\"stderr\":\"open failed with INSTALL_FAILED\"}}");
    expected.put("unsupported", urn + "invalid_request\",\"title\":\"Invalid Request\",\"status\":400,"
        + "\"detail\":\"invalid request: open failed with UNSUPPORTED\"}");
    expected.put("process_exited", urn + "agent_process_exited\",\"title\":\"Agent Process Exited\","
        + "\"status\":500,\"detail\":\"agent process exited: reporting\",\"agent\":\"reporting\","
        + "\"details\":{\"stderr\":\"open failed with PROCESS_EXITED\"}}");
    expected.put("stream_error", urn + "stream_error\",\"title\":\"Stream Error\",\"status\":502,"
        + "\"detail\":\"stream error: open failed with STREAM_ERROR\","
        + "\"details\":{\"message\":\"open failed with STREAM_ERROR\"}}");
    expected.put("bad_output", urn + "stream_error\",\"title\":\"Stream Error\",\"status\":502,"
        + "\"detail\":\"stream error: open failed with BAD_OUTPUT\","
        + "\"details\":{\"message\":\"open failed with BAD_OUTPUT\"}}");
    expected.forEach((kind, body) -> {
      HttpResponse<String> created = server.post("/v1/sessions/" + kind, "{\"agent\":\"reporting\"}");
      assertThat(created.body()).as(kind).isEqualTo(body);
      assertThat(created.statusCode()).as(kind).isEqualTo(TestServer.json(created).get("status").asInt());
      assertThat(server.get("/v1/sessions/" + kind + "/events").statusCode()).as(kind).isEqualTo(404);
    });
  }

  private static JsonNode agent(JsonNode agents, String id) {
    for (JsonNode agent : agents) {
      if (agent.get("id").asText().equals(id)) {
        return agent;
      }
    }
    throw new AssertionError("no agent " + id + " in " + agents);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String type, String detail) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode problem = TestServer.json(response);
    assertThat(problem.get("type").asText()).isEqualTo("urn:sandbox-agent:error:" + type);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).isEqualTo(detail);
  }
}
