package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's routing, request validation and session endpoints over real HTTP. */
class ApiTest {

  @TempDir Path tmp;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(tmp, null, CorsConfig.disabled(), 4096, Duration.ofSeconds(15),
        List.of(new ScriptAdapter()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void healthAndRoutingRules() {
    HttpResponse<String> health = server.get("/v1/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(server.get("/v1/health/").statusCode()).isEqualTo(404);
    assertThat(server.get("/v1/health/").body()).isEmpty();
    assertThat(server.get("/").statusCode()).isEqualTo(404);
    assertThat(server.get("/v1/models").statusCode()).isEqualTo(404);
    HttpResponse<String> wrongMethod = server.postEmpty("/v1/health");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).hasValue("GET, HEAD");
    assertThat(server.get("/v1/sessions/some-id").statusCode()).isEqualTo(405);
    HttpResponse<String> head = server.send(server.request("/v1/agents").method("HEAD",
        HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void listsAgentsWithEveryCapabilityKeyAndTheirModes() {
    JsonNode agent = TestServer.json(server.get("/v1/agents")).get("agents").get(0);
    assertThat(agent.get("id").asText()).isEqualTo("script");
    assertThat(agent.get("installed").asBoolean()).isTrue();
    assertThat(agent.get("version").asText()).isEqualTo("builtin");
    assertThat(agent.has("path")).isFalse();
    assertThat(agent.has("serverStatus")).isFalse();
    assertThat(agent.get("capabilities").size()).isEqualTo(18);
    assertThat(agent.get("capabilities").get("questions").asBoolean()).isTrue();
    assertThat(agent.get("capabilities").get("reasoning").asBoolean()).isFalse();
    JsonNode modes = TestServer.json(server.get("/v1/agents/script/modes")).get("modes");
    assertThat(modes.get(1).toString()).isEqualTo("{\"id\":\"plan\",\"name\":\"Plan\",\"description\":\"Scripted plan\"}");
    JsonNode unsupported = TestServer.json(server.get("/v1/agents/nope/modes"));
    assertThat(unsupported.toString()).isEqualTo("{\"type\":\"urn:sandbox-agent:error:unsupported_agent\","
        + "\"title\":\"Unsupported Agent\",\"status\":400,\"detail\":\"unsupported agent: nope\",\"agent\":\"nope\"}");
  }

  @Test
  void createsListsAndRejectsSessionsInTheSpecifiedOrder() {
    HttpResponse<String> created = server.post("/v1/sessions/a", "{\"agent\":\"script\",\"model\":\"m1\"}");
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.body()).isEqualTo("{\"healthy\":true,\"nativeSessionId\":\"script-a\"}");
    server.post("/v1/sessions/b", "{\"agent\":\"script\",\"permissionMode\":\"bypass\",\"agentMode\":\"plan\"}");
    JsonNode list = TestServer.json(server.get("/v1/sessions")).get("sessions");
    assertThat(list).extracting(s -> s.get("sessionId").asText()).containsExactly("b", "a");
    assertThat(list.get(1).toString()).isEqualTo("{\"sessionId\":\"a\",\"agent\":\"script\",\"agentMode\":\"build\","
        + "\"permissionMode\":\"default\",\"model\":\"m1\",\"variant\":null,\"nativeSessionId\":\"script-a\","
        + "\"ended\":false,\"eventCount\":1}");

    HttpResponse<String> duplicate = server.post("/v1/sessions/a", "{\"agent\":\"script\"}");
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(TestServer.json(duplicate).get("sessionId").asText()).isEqualTo("a");
    assertThat(TestServer.json(server.post("/v1/sessions/a", "{\"agent\":\"nope\"}")).get("type").asText())
        .endsWith(":unsupported_agent");
    JsonNode mode = TestServer.json(server.post("/v1/sessions/c",
        "{\"agent\":\"script\",\"agentMode\":\"yolo\",\"permissionMode\":\"nonsense\"}"));
    assertThat(mode.toString()).isEqualTo("{\"type\":\"urn:sandbox-agent:error:mode_not_supported\","
        + "\"title\":\"Mode Not Supported\",\"status\":400,\"detail\":\"mode not supported: script yolo\","
        + "\"agent\":\"script\",\"details\":{\"mode\":\"yolo\"}}");
    assertThat(TestServer.json(server.post("/v1/sessions/c", "{\"agent\":\"script\",\"permissionMode\":\"Bypass\"}"))
        .get("detail").asText()).isEqualTo("invalid request: invalid permission mode: Bypass");
    assertThat(TestServer.json(server.post("/v1/sessions/c", "{\"agent\":\"script\",\"permissionMode\":\"plan\"}"))
        .get("detail").asText()).isEqualTo("mode not supported: script plan");
    assertThat(server.post("/v1/sessions/c", "{\"agent\":\"script\",\"model\":null,\"extra\":[1]}").statusCode())
        .isEqualTo(200);
  }

  @Test
  void rejectsBadBodiesWithTheRightStatusNeverA500() {
    server.createSession("s");
    assertThat(server.post("/v1/sessions/s/messages", "{\"message\":").statusCode()).isEqualTo(400);
    assertThat(server.post("/v1/sessions/s/messages", "").statusCode()).isEqualTo(400);
    assertThat(server.post("/v1/sessions/s/messages", "[1,2]").statusCode()).isEqualTo(422);
    assertThat(server.post("/v1/sessions/s/messages", "{\"message\":5}").statusCode()).isEqualTo(422);
    assertThat(server.post("/v1/sessions/s/messages", "{}").statusCode()).isEqualTo(422);
    assertThat(server.post("/v1/sessions/x", "{\"agent\":true}").statusCode()).isEqualTo(422);
    assertThat(server.post("/v1/agents/script/install", "{\"reinstall\":\"yes\"}").statusCode()).isEqualTo(422);
    assertThat(server.post("/v1/sessions/s/permissions/p/reply", "{\"reply\":\"maybe\"}").statusCode())
        .isEqualTo(422);
    assertThat(server.post("/v1/sessions/s/questions/q/reply", "{\"answers\":[\"Yes\"]}").statusCode())
        .isEqualTo(422);
    HttpResponse<String> noType = server.send(server.request("/v1/sessions/s/messages")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"reply hi\"}")).build());
    assertThat(noType.statusCode()).isEqualTo(415);
    HttpResponse<String> textType = server.send(server.request("/v1/sessions/s/messages")
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(textType.statusCode()).isEqualTo(415);
    HttpResponse<String> plusJson = server.send(server.request("/v1/sessions/s/messages")
        .header("Content-Type", "application/vnd.example+json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"reply hi\"}")).build());
    assertThat(plusJson.statusCode()).isEqualTo(204);
    String big = "{\"message\":\"" + "x".repeat(5000) + "\"}";
    assertThat(server.post("/v1/sessions/s/messages", big).statusCode()).isEqualTo(413);
    HttpResponse<String> chunkedBig = server.send(server.request("/v1/sessions/s/messages")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))
        .build());
    assertThat(chunkedBig.statusCode()).isEqualTo(413);
    assertThat(server.get("/v1/health").statusCode()).isEqualTo(200);
  }

  @Test
  void rejectsHostileSessionIdsAndBadQueries() {
    assertThat(server.post("/v1/sessions/a%2Fb", "{\"agent\":\"script\"}").statusCode()).isEqualTo(400);
    assertThat(server.post("/v1/sessions/a%5Cb", "{\"agent\":\"script\"}").statusCode()).isEqualTo(400);
    assertThat(server.post("/v1/sessions/a%01b", "{\"agent\":\"script\"}").statusCode()).isEqualTo(400);
    assertThat(server.post("/v1/sessions/a%0Ab", "{\"agent\":\"script\"}").statusCode()).isEqualTo(400);
    assertThat(server.post("/v1/sessions/" + "x".repeat(600), "{\"agent\":\"script\"}").statusCode()).isEqualTo(400);
    HttpResponse<String> spaced = server.post("/v1/sessions/with%20space%C3%A9", "{\"agent\":\"script\"}");
    assertThat(spaced.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(server.get("/v1/sessions")).get("sessions").get(0).get("sessionId").asText())
        .isEqualTo("with spaceé");
    server.createSession("q");
    for (String query : List.of("offset=abc", "offset=-1", "limit=x", "include_raw=1", "includeRaw=TRUE")) {
      assertThat(server.get("/v1/sessions/q/events?" + query).statusCode()).as(query).isEqualTo(400);
    }
    assertThat(server.get("/v1/sessions/q/events?offset=99999999999999999999").statusCode()).isEqualTo(400);
    assertThat(server.get("/v1/sessions/q/events?offset=500&unknown=1").body())
        .isEqualTo("{\"events\":[],\"hasMore\":false}");
  }

  @Test
  void everySessionRouteAnswers404ForAnUnknownSession() {
    List<HttpResponse<String>> responses = List.of(
        server.post("/v1/sessions/nope/messages", "{\"message\":\"hi\"}"),
        server.post("/v1/sessions/nope/messages/stream", "{\"message\":\"hi\"}"),
        server.postEmpty("/v1/sessions/nope/terminate"),
        server.get("/v1/sessions/nope/events"),
        server.get("/v1/sessions/nope/events/sse"),
        server.post("/v1/sessions/nope/questions/q/reply", "{\"answers\":[]}"),
        server.postEmpty("/v1/sessions/nope/questions/q/reject"),
        server.post("/v1/sessions/nope/permissions/p/reply", "{\"reply\":\"once\"}"));
    for (HttpResponse<String> r : responses) {
      assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(404);
      assertThat(r.body()).isEqualTo("{\"type\":\"urn:sandbox-agent:error:session_not_found\","
          + "\"title\":\"Session Not Found\",\"status\":404,\"detail\":\"session not found: nope\","
          + "\"sessionId\":\"nope\"}");
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    }
  }

  @Test
  void pollsWithOffsetLimitAndRaw() throws Exception {
    server.createSession("p");
    server.post("/v1/sessions/p/messages", "{\"message\":\"reply one\"}");
    JsonNode all = server.awaitEvents("p", 4);
    assertThat(all).extracting(e -> e.get("sequence").asLong()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(all).extracting(e -> e.get("event_id").asText()).containsExactly("evt_1", "evt_2", "evt_3", "evt_4");
    assertThat(all.get(0).get("data").get("metadata").toString()).isEqualTo(
        "{\"agent\":\"script\",\"agentMode\":\"build\",\"permissionMode\":\"default\",\"model\":null,\"variant\":null}");
    JsonNode page = TestServer.json(server.get("/v1/sessions/p/events?offset=1&limit=2"));
    assertThat(page.get("events")).extracting(e -> e.get("sequence").asLong()).containsExactly(2L, 3L);
    assertThat(page.get("hasMore").asBoolean()).isTrue();
    JsonNode rest = TestServer.json(server.get("/v1/sessions/p/events?offset=3&limit=5"));
    assertThat(rest.get("events")).hasSize(1);
    assertThat(rest.get("hasMore").asBoolean()).isFalse();
    JsonNode none = TestServer.json(server.get("/v1/sessions/p/events?limit=0"));
    assertThat(none.get("events")).isEmpty();
    assertThat(none.get("hasMore").asBoolean()).isTrue();
    assertThat(all.get(1).get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d*[1-9])?Z");
  }

  @Test
  void failedSendsBecomeProblemsAndNothingIsLost() throws Exception {
    server.createSession("f");
    HttpResponse<String> failed = server.post("/v1/sessions/f/messages", "{\"message\":\"fail\"}");
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(TestServer.json(failed).get("detail").asText()).isEqualTo("stream error: scripted failure");
    HttpResponse<String> unknown = server.post("/v1/sessions/f/messages", "{\"message\":\"dance\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(server.post("/v1/sessions/f/messages", "{\"message\":\"reply still here\"}").statusCode())
        .isEqualTo(204);
    assertThat(server.awaitEvents("f", 4).get(3).get("data").get("item").get("content").get(0).get("text").asText())
        .isEqualTo("still here");
  }

  @Test
  void questionsAndPermissionsAreAnsweredOnceAndRetryableAfterAFailedForward() throws Exception {
    server.createSession("h");
    server.post("/v1/sessions/h/messages", "{\"message\":\"ask\"}");
    server.awaitEvents("h", 3);
    HttpResponse<String> tooMany = server.post("/v1/sessions/h/questions/q1/reply", "{\"answers\":[[\"Yes\"],[\"No\"]]}");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(tooMany).get("detail").asText())
        .isEqualTo("invalid request: answers has 2 lists but question q1 asks 1 question");
    assertThat(server.post("/v1/sessions/h/questions/q1/reply", "{\"answers\":[[\"Yes\"]]}").statusCode())
        .isEqualTo(204);
    HttpResponse<String> again = server.post("/v1/sessions/h/questions/q1/reply", "{\"answers\":[[\"No\"]]}");
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(again).get("detail").asText()).isEqualTo("invalid request: unknown question id: q1");
    assertThat(server.post("/v1/sessions/h/permissions/p1/reply", "{\"reply\":\"always\"}").statusCode())
        .isEqualTo(204);
    assertThat(TestServer.json(server.post("/v1/sessions/h/permissions/p1/reply", "{\"reply\":\"once\"}"))
        .get("detail").asText()).isEqualTo("invalid request: unknown permission id: p1");

    server.post("/v1/sessions/h/messages", "{\"message\":\"ask flaky\"}");
    server.awaitEvents("h", 7);
    assertThat(server.postEmpty("/v1/sessions/h/questions/q2flaky/reject").statusCode()).isEqualTo(502);
    assertThat(server.postEmpty("/v1/sessions/h/questions/q2flaky/reject").statusCode()).isEqualTo(204);
    assertThat(server.post("/v1/sessions/h/permissions/p2flaky/reply", "{\"reply\":\"reject\"}").statusCode())
        .isEqualTo(502);
    assertThat(server.post("/v1/sessions/h/permissions/p2flaky/reply", "{\"reply\":\"reject\"}").statusCode())
        .isEqualTo(204);

    JsonNode events = server.awaitEvents("h", 9);
    assertThat(events.get(3).get("data").toString()).isEqualTo("{\"question_id\":\"q1\",\"prompt\":\"Proceed?\","
        + "\"options\":[\"Yes\",\"No\"],\"questions\":[{\"prompt\":\"Proceed?\",\"options\":[{\"label\":\"Yes\"},"
        + "{\"label\":\"No\"}],\"multi_select\":false}],\"response\":\"Yes\",\"answers\":[[\"Yes\"]],"
        + "\"status\":\"answered\"}");
    assertThat(events.get(3).get("synthetic").asBoolean()).isTrue();
    assertThat(events.get(4).get("data").toString()).isEqualTo("{\"permission_id\":\"p1\","
        + "\"action\":\"command_execution\",\"status\":\"approved\",\"metadata\":{\"command\":\"ls\"}}");
    assertThat(events.get(7).get("data").get("status").asText()).isEqualTo("rejected");
    assertThat(events.get(7).get("data").get("response").isNull()).isTrue();
    assertThat(events.get(7).get("data").get("answers").isNull()).isTrue();
    assertThat(events.get(8).get("data").get("status").asText()).isEqualTo("denied");
    assertThat(events).hasSize(9);
  }

  @Test
  void terminateStopsTheAgentAndEndsTheLog() throws Exception {
    server.createSession("t");
    server.post("/v1/sessions/t/messages", "{\"message\":\"slow\"}");
    server.awaitEvents("t", 4);
    assertThat(ScriptAdapter.RUNNING.get("t").get()).isEqualTo(1);
    assertThat(server.postEmpty("/v1/sessions/t/terminate").statusCode()).isEqualTo(204);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ScriptAdapter.RUNNING.get("t").get() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(ScriptAdapter.RUNNING.get("t").get()).as("agent task stopped").isZero();
    JsonNode events = TestServer.json(server.get("/v1/sessions/t/events")).get("events");
    Thread.sleep(200);
    JsonNode later = TestServer.json(server.get("/v1/sessions/t/events")).get("events");
    assertThat(later.size()).isEqualTo(events.size());
    JsonNode last = later.get(later.size() - 1);
    assertThat(last.get("type").asText()).isEqualTo("session.ended");
    assertThat(last.get("data").toString()).isEqualTo("{\"reason\":\"terminated\",\"terminated_by\":\"daemon\"}");
    assertThat(last.get("source").asText()).isEqualTo("daemon");
    HttpResponse<String> after = server.post("/v1/sessions/t/messages", "{\"message\":\"reply x\"}");
    assertThat(after.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(after).get("detail").asText()).isEqualTo("invalid request: session terminated");
    assertThat(server.postEmpty("/v1/sessions/t/terminate").statusCode()).isEqualTo(204);
    assertThat(TestServer.json(server.get("/v1/sessions/t/events")).get("events").size()).isEqualTo(later.size());
    assertThat(TestServer.json(server.get("/v1/sessions")).get("sessions").get(0).get("ended").asBoolean()).isTrue();
  }

  @Test
  void bodyLimitDefaultsToTenMebibytes() {
    assertThat(HostConfig.DEFAULT_MAX_BODY_BYTES).isEqualTo(10L * 1024 * 1024);
  }
}
