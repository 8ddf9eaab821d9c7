package dev.sandboxagent.distribution;

import static dev.sandboxagent.distribution.Launcher.json;
import static dev.sandboxagent.distribution.Launcher.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every flow of the mock agent's script, through the shipped launcher and the real plugin JAR. */
@Timeout(120)
class MockFlowsIT {

  @TempDir static Path work;
  static Launcher daemon;
  private static final AtomicInteger IDS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    daemon = Launcher.start(work, "it-token");
  }

  @AfterAll
  static void stop() throws Exception {
    daemon.close();
  }

  private static String session() {
    String id = "s" + IDS.incrementAndGet();
    HttpResponse<String> created = daemon.post("/v1/sessions/" + id, "{\"agent\":\"mock\"}");
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.body()).isEqualTo("{\"healthy\":true,\"nativeSessionId\":\"mock-" + id + "\"}");
    return id;
  }

  private static JsonNode run(String id, String message, int expectedEvents) throws Exception {
    return runBody(id, Launcher.JSON.createObjectNode().put("message", message).toString(), expectedEvents);
  }

  /** Posts a message body and returns the session's events once there are {@code expectedEvents}. */
  private static JsonNode runBody(String id, String body, int expectedEvents) throws Exception {
    assertThat(daemon.post("/v1/sessions/" + id + "/messages", body).statusCode()).isEqualTo(204);
    JsonNode events = daemon.awaitEvents(id, expectedEvents);
    Thread.sleep(300);
    JsonNode settled = daemon.awaitEvents(id, expectedEvents);
    assertThat(settled.size()).as("events of %s: %s", body, settled).isEqualTo(expectedEvents);
    return events;
  }

  private static JsonNode item(JsonNode event) {
    return event.get("data").get("item");
  }

  @Test
  void authenticatesEverythingButHealthAndListsTheFivePlugins() {
    HttpResponse<String> health = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/v1/health")).build());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> anonymous = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/v1/agents")).build());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).isEqualTo("{\"type\":\"urn:sandbox-agent:error:token_invalid\",\"title\":\"Token Invalid\","
        + "\"status\":401,\"detail\":\"token invalid\",\"details\":{\"message\":\"missing or invalid token\"}}");
    HttpResponse<String> wrong = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/v1/sessions"))
        .header("Authorization", "Bearer nope").build());
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> tokenScheme = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/v1/sessions"))
        .header("Authorization", "Token it-token").build());
    assertThat(tokenScheme.statusCode()).isEqualTo(200);

    JsonNode agents = json(daemon.get("/v1/agents")).get("agents");
    assertThat(agents).extracting(a -> a.get("id").asText()).containsExactly("claude", "codex", "opencode", "amp", "mock",
        "gemini", "qwen", "copilot", "claude-acp", "codex-acp", "opencode-acp");
    JsonNode mock = agents.get(4);
    assertThat(mock.get("installed").asBoolean()).isTrue();
    assertThat(mock.get("version").asText()).isEqualTo("builtin");
    assertThat(mock.get("capabilities").get("sharedProcess").asBoolean()).isFalse();
    assertThat(mock.get("capabilities").get("questions").asBoolean()).isTrue();
    assertThat(agents.get(1).get("serverStatus").toString()).isEqualTo("{\"status\":\"stopped\",\"restartCount\":0}");
    assertThat(json(daemon.get("/v1/agents")).has("pluginErrors")).isFalse();
    assertThat(json(daemon.get("/v1/agents/mock/modes")).toString()).isEqualTo("{\"modes\":["
        + "{\"id\":\"build\",\"name\":\"Build\",\"description\":\"Mock agent for UI testing\"},"
        + "{\"id\":\"plan\",\"name\":\"Plan\",\"description\":\"Plan-only mock mode\"}]}");
  }

  /** What every ACP agent can do. */
  private static final String ACP_BASELINE = "permissions toolCalls toolResults textMessages fileAttachments "
      + "sessionLifecycle errorEvents reasoning status fileChanges streamingDeltas itemStarted";
  /** What every ACP agent can do, and images. */
  private static final String ACP_WITH_IMAGES = "permissions toolCalls toolResults textMessages images "
      + "fileAttachments sessionLifecycle errorEvents reasoning status fileChanges streamingDeltas itemStarted";

  @Test
  void everyAgentAdvertisesTheCapabilitiesOfTheSpecTable() {
    java.util.Map<String, String> trueFlags = new java.util.HashMap<>(java.util.Map.of(
        // Claude with real human-in-the-loop: permissions and questions reach the client; images and
        // files as content blocks
        "claude", "planMode permissions questions toolCalls toolResults textMessages images fileAttachments "
            + "errorEvents reasoning status streamingDeltas itemStarted",
        "codex", "planMode permissions toolCalls toolResults textMessages images fileAttachments sessionLifecycle "
            + "errorEvents reasoning status commandExecution fileChanges mcpTools streamingDeltas itemStarted "
            + "sharedProcess",
        "opencode", "toolCalls toolResults textMessages images fileAttachments sessionLifecycle errorEvents status "
            + "streamingDeltas itemStarted sharedProcess",
        "amp", "toolCalls toolResults textMessages errorEvents reasoning status itemStarted",
        "mock", "planMode permissions questions toolCalls toolResults textMessages images fileAttachments "
            + "sessionLifecycle errorEvents reasoning status commandExecution fileChanges mcpTools streamingDeltas "
            + "itemStarted"));
    trueFlags.putAll(java.util.Map.of(
        "gemini", ACP_WITH_IMAGES, "qwen", ACP_WITH_IMAGES, "copilot", ACP_BASELINE, "opencode-acp", ACP_WITH_IMAGES,
        "claude-acp", "planMode permissions toolCalls toolResults textMessages images fileAttachments sessionLifecycle "
            + "errorEvents reasoning status fileChanges mcpTools streamingDeltas itemStarted",
        "codex-acp", "permissions toolCalls toolResults textMessages images fileAttachments sessionLifecycle "
            + "errorEvents reasoning status fileChanges mcpTools streamingDeltas itemStarted"));
    for (JsonNode agent : json(daemon.get("/v1/agents")).get("agents")) {
      java.util.List<String> enabled = new ArrayList<>();
      agent.get("capabilities").properties().forEach(f -> {
        if (f.getValue().asBoolean()) {
          enabled.add(f.getKey());
        }
      });
      assertThat(agent.get("capabilities").size()).isEqualTo(18);
      assertThat(String.join(" ", enabled)).as(agent.get("id").asText())
          .isEqualTo(trueFlags.get(agent.get("id").asText()));
    }
    assertThat(json(daemon.get("/v1/agents/opencode/modes")).get("modes")).extracting(m -> m.get("id").asText())
        .containsExactly("build", "plan", "custom");
    assertThat(json(daemon.get("/v1/agents/amp/modes")).get("modes")).hasSize(1);
  }

  @Test
  void installWritesTheMockPlaceholderOnce() throws Exception {
    assertThat(daemon.post("/v1/agents/mock/install", "{}").statusCode()).isEqualTo(204);
    Path placeholder = work.resolve("install/mock");
    assertThat(java.nio.file.Files.readString(placeholder)).isEqualTo("mock");
    assertThat(json(daemon.get("/v1/agents")).get("agents").get(4).get("path").asText())
        .isEqualTo(placeholder.toString());
    assertThat(daemon.post("/v1/agents/mock/install", "{\"reinstall\":true}").statusCode()).isEqualTo(204);
    assertThat(daemon.post("/v1/agents/nope/install", "{}").statusCode()).isEqualTo(400);
  }

  @Test
  void repliesOkExactlyAsTheReferenceLog() throws Exception {
    String id = session();
    JsonNode events = run(id, "Reply with exactly the single word OK.", 7);
    assertThat(types(events)).containsExactly("session.started", "item.started", "item.delta", "item.completed",
        "item.started", "item.delta", "item.completed");
    assertThat(events).extracting(e -> e.get("synthetic").asBoolean())
        .containsExactly(true, false, true, false, false, true, false);
    assertThat(events).allSatisfy(e -> assertThat(e.get("native_session_id").asText()).isEqualTo("mock-" + id));
    assertThat(item(events.get(1)).toString()).isEqualTo("{\"item_id\":\"itm_1\",\"native_item_id\":\"mock_1_user\","
        + "\"parent_id\":null,\"kind\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"text\","
        + "\"text\":\"Reply with exactly the single word OK.\"}],\"status\":\"in_progress\"}");
    assertThat(events.get(5).get("data").toString())
        .isEqualTo("{\"item_id\":\"itm_2\",\"native_item_id\":\"mock_1_ok\",\"delta\":\"OK\"}");
    assertThat(item(events.get(6)).get("status").asText()).isEqualTo("completed");
    assertThat(events.get(6).get("source").asText()).isEqualTo("agent");
  }

  @Test
  void firstAndSecondUseTheMessageCounter() throws Exception {
    String id = session();
    run(id, "  Reply with exactly the word FIRST.\n", 7);
    JsonNode events = run(id, "reply WITH exactly the word second.", 13);
    assertThat(item(events.get(6)).get("native_item_id").asText()).isEqualTo("mock_1_first");
    assertThat(item(events.get(12)).get("native_item_id").asText()).isEqualTo("mock_2_second");
    assertThat(item(events.get(12)).get("content").get(0).get("text").asText()).isEqualTo("SECOND");
  }

  @Test
  void richReasoningStreamsItsOwnDeltas() throws Exception {
    JsonNode events = run(session(), "Answer briefly and include your reasoning.", 8);
    assertThat(types(events).subList(4, 8)).containsExactly("item.started", "item.delta", "item.delta",
        "item.completed");
    assertThat(events.get(5).get("data").get("delta").asText()).isEqualTo("Mock assistant ");
    assertThat(events.get(6).get("data").get("delta").asText()).isEqualTo("streaming delta.");
    assertThat(item(events.get(7)).get("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"Mock "
        + "assistant response with rich content.\"},{\"type\":\"reasoning\",\"text\":\"Public reasoning for display.\","
        + "\"visibility\":\"public\"},{\"type\":\"reasoning\",\"text\":\"Private reasoning hidden by default.\","
        + "\"visibility\":\"private\"},{\"type\":\"json\",\"json\":{\"stage\":\"analysis\",\"ok\":true}}]");
  }

  @Test
  void statusUpdatesItsItem() throws Exception {
    JsonNode events = run(session(), "Provide a short status update.", 6);
    assertThat(item(events.get(4)).get("content").get(0).toString())
        .isEqualTo("{\"type\":\"status\",\"label\":\"Indexing\",\"detail\":\"2 files\"}");
    assertThat(item(events.get(5)).get("content").get(0).get("detail").asText()).isEqualTo("Done");
    assertThat(item(events.get(5)).get("kind").asText()).isEqualTo("status");
  }

  @Test
  void toolCallAndFailedResultWithFileRefs() throws Exception {
    JsonNode events = run(session(), "tool", 8);
    assertThat(item(events.get(4)).get("item_id").asText()).isEqualTo("itm_2");
    assertThat(item(events.get(4)).get("native_item_id").asText()).isEqualTo("mock_1_tool_call");
    assertThat(item(events.get(5)).get("content").get(0).toString()).isEqualTo("{\"type\":\"tool_call\","
        + "\"name\":\"mock.search\",\"arguments\":\"{\\\"query\\\":\\\"example\\\"}\",\"call_id\":\"mock_1_call\"}");
    assertThat(item(events.get(6)).get("item_id").asText()).isEqualTo("itm_3");
    JsonNode result = item(events.get(7));
    assertThat(result.get("status").asText()).isEqualTo("failed");
    assertThat(result.get("role").asText()).isEqualTo("tool");
    assertThat(result.get("content").get(1).toString())
        .isEqualTo("{\"type\":\"file_ref\",\"path\":\"mock_1/readme.md\",\"action\":\"read\",\"diff\":null}");
    assertThat(result.get("content").get(3).get("diff").asText()).isEqualTo("@@ -1,1 +1,1 @@\n-old\n+new\n");
  }

  @Test
  void permissionRequestsAreApprovedAndDenied() throws Exception {
    String id = session();
    JsonNode events = run(id, "permission", 6);
    assertThat(events.get(4).get("data").toString()).isEqualTo("{\"permission_id\":\"mock_1_permission\","
        + "\"action\":\"command_execution\",\"status\":\"requested\",\"metadata\":{\"codexRequestKind\":"
        + "\"commandExecution\",\"command\":\"echo mock\"}}");
    assertThat(daemon.post("/v1/sessions/" + id + "/permissions/mock_1_permission/reply", "{\"reply\":\"once\"}")
        .statusCode()).isEqualTo(204);
    assertThat(daemon.post("/v1/sessions/" + id + "/permissions/mock_1_permission_denied/reply",
        "{\"reply\":\"reject\"}").statusCode()).isEqualTo(204);
    JsonNode after = daemon.awaitEvents(id, 8);
    assertThat(after.get(6).get("data").toString()).isEqualTo("{\"permission_id\":\"mock_1_permission\","
        + "\"action\":\"command_execution\",\"status\":\"approved\",\"metadata\":{\"codexRequestKind\":"
        + "\"commandExecution\",\"command\":\"echo mock\"}}");
    assertThat(after.get(7).get("data").get("status").asText()).isEqualTo("denied");
    assertThat(after.get(7).get("data").get("metadata").get("path").asText()).isEqualTo("mock_1/deny.txt");
    assertThat(daemon.post("/v1/sessions/" + id + "/permissions/mock_1_permission/reply", "{\"reply\":\"once\"}")
        .statusCode()).isEqualTo(400);
  }

  @Test
  void questionsAreAnsweredAndRejected() throws Exception {
    String id = session();
    run(id, "question", 6);
    assertThat(daemon.post("/v1/sessions/" + id + "/questions/mock_1_question/reply", "{\"answers\":[[\"Red\"]]}")
        .statusCode()).isEqualTo(204);
    assertThat(daemon.send(daemon.request("/v1/sessions/" + id + "/questions/mock_1_question_reject/reject")
        .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(204);
    JsonNode after = daemon.awaitEvents(id, 8);
    assertThat(after.get(6).get("data").toString()).isEqualTo("{\"question_id\":\"mock_1_question\","
        + "\"prompt\":\"Choose a color\",\"options\":[\"Red\",\"Blue\"],\"questions\":[{\"prompt\":\"Choose a color\","
        + "\"options\":[{\"label\":\"Red\"},{\"label\":\"Blue\"}],\"multi_select\":false}],\"response\":\"Red\","
        + "\"answers\":[[\"Red\"]],\"status\":\"answered\"}");
    assertThat(after.get(7).get("data").toString()).isEqualTo("{\"question_id\":\"mock_1_question_reject\","
        + "\"prompt\":\"Allow mock experiment?\",\"options\":[\"Yes\",\"No\"],\"questions\":[{\"prompt\":"
        + "\"Allow mock experiment?\",\"options\":[{\"label\":\"Yes\"},{\"label\":\"No\"}],\"multi_select\":false}],"
        + "\"response\":null,\"answers\":null,\"status\":\"rejected\"}");
    JsonNode one = run(id, "Call the AskUserQuestion tool with exactly one yes/no question and wait for a reply. "
        + "Do not answer yourself.", 12);
    assertThat(one.get(11).get("data").get("question_id").asText()).isEqualTo("mock_2_question");
  }

  @Test
  void everyQuestionOfARequestIsShownAndEveryAnswerReachesTheAgent() throws Exception {
    String id = session();
    JsonNode asked = run(id, "multi-question", 5).get(4);
    assertThat(asked.get("type").asText()).isEqualTo("question.requested");
    assertThat(asked.get("data").toString()).isEqualTo("{\"question_id\":\"mock_1_multi_question\","
        + "\"prompt\":\"Which color?\",\"options\":[\"Red\",\"Blue\"],\"questions\":["
        + "{\"header\":\"Color\",\"prompt\":\"Which color?\",\"options\":[{\"label\":\"Red\",\"description\":\"Warm\"},"
        + "{\"label\":\"Blue\",\"description\":\"Cool\"}],\"multi_select\":false},"
        + "{\"header\":\"Sizes\",\"prompt\":\"Which sizes?\",\"options\":[{\"label\":\"S\"},{\"label\":\"M\"},"
        + "{\"label\":\"L\"}],\"multi_select\":true}],\"response\":null,\"status\":\"requested\"}");
    String reply = "/v1/sessions/" + id + "/questions/mock_1_multi_question/reply";

    HttpResponse<String> tooMany = daemon.post(reply, "{\"answers\":[[\"Red\"],[\"S\"],[\"x\"]]}");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(json(tooMany).get("detail").asText())
        .isEqualTo("invalid request: answers has 3 lists but question mock_1_multi_question asks 2 questions");
    assertThat(daemon.post(reply, "{\"answers\":[[\"Blue\"],[\"S\",\"L\"]]}").statusCode()).isEqualTo(204);

    JsonNode events = daemon.awaitEvents(id, 9);
    assertThat(events.get(5).get("data").get("answers").toString()).isEqualTo("[[\"Blue\"],[\"S\",\"L\"]]");
    assertThat(events.get(5).get("data").get("response").asText()).isEqualTo("Blue");
    assertThat(events.get(8).get("type").asText()).isEqualTo("item.completed");
    assertThat(item(events.get(8)).get("content").get(0).get("text").asText())
        .isEqualTo("Answers: Color: Blue; Sizes: S, L");
  }

  @Test
  void theMockDescribesTheAttachmentsItReceived() throws Exception {
    TestAttachments attachments = TestAttachments.write(work);
    String id = session();
    JsonNode events = runBody(id, attachments.message("echo done"), 10);
    TestAttachments.assertUserItemsShowAll(events, "echo done");
    List<String> said = new ArrayList<>();
    for (JsonNode e : events) {
      if (e.get("type").asText().equals("item.completed") && item(e).get("role").asText().equals("assistant")) {
        said.add(item(e).get("content").get(0).get("text").asText());
      }
    }
    assertThat(said).hasSize(2);
    String described = said.get(0);
    assertThat(described).startsWith("Received 2 attachments:\n- image " + TestAttachments.IMAGE + " (image/png, "
        + attachments.png.length + " bytes, sha256 ").contains("- file " + TestAttachments.FILE + " (text/plain, ");
    assertThat(said.get(1)).isEqualTo("done");

    HttpResponse<String> outside = daemon.post("/v1/sessions/" + id + "/messages",
        "{\"message\":\"x\",\"attachments\":[{\"type\":\"file\",\"path\":\"../x\"}]}");
    assertThat(outside.statusCode()).isEqualTo(400);
    assertThat(json(outside).get("detail").asText()).startsWith("invalid request: attachments[0].path: ");
  }

  @Test
  void errorAndUnparsedEvents() throws Exception {
    JsonNode events = run(session(), "error", 6);
    assertThat(events.get(4).get("data").toString())
        .isEqualTo("{\"message\":\"Mock error event.\",\"code\":\"mock_error\",\"details\":{\"mock\":true}}");
    assertThat(events.get(4).get("synthetic").asBoolean()).isTrue();
    assertThat(events.get(5).get("data").toString())
        .isEqualTo("{\"error\":\"unsupported payload\",\"location\":\"mock.stream\",\"raw_hash\":null}");
    assertThat(events.get(5).get("raw").toString()).isEqualTo("{\"raw\":\"mock\"}");
  }

  @Test
  void endRecordsSessionEndedButKeepsTheSessionOpen() throws Exception {
    String id = session();
    JsonNode events = run(id, "end", 5);
    assertThat(events.get(4).get("data").toString()).isEqualTo("{\"reason\":\"completed\",\"terminated_by\":\"agent\"}");
    JsonNode listed = json(daemon.get("/v1/sessions")).get("sessions");
    for (JsonNode s : listed) {
      if (s.get("sessionId").asText().equals(id)) {
        assertThat(s.get("ended").asBoolean()).isFalse();
      }
    }
    JsonNode more = run(id, "echo  still \u00a0 here\u3000", 11);
    assertThat(item(more.get(10)).get("content").get(0).get("text").asText()).isEqualTo("still here");
  }

  @Test
  void theTurnStreamEndsAtTheAssistantMessage() throws Exception {
    String id = session();
    HttpResponse<InputStream> response = daemon.http.send(daemon.request("/v1/sessions/" + id + "/messages/stream")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"say hi\"}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        assertThat(line).doesNotStartWith("event:");
        if (line.startsWith("data: ")) {
          events.add(Launcher.JSON.readTree(line.substring(6)).get("type").asText());
        }
      }
    }
    assertThat(events).containsExactly("item.started", "item.delta", "item.completed", "item.started", "item.delta",
        "item.completed");
  }

  @Test
  void terminateCancelsTheQueuedSteps() throws Exception {
    String id = session();
    daemon.post("/v1/sessions/" + id + "/messages", "{\"message\":\"demo\"}");
    daemon.awaitEvents(id, 6);
    assertThat(daemon.send(daemon.request("/v1/sessions/" + id + "/terminate")
        .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(204);
    JsonNode atTerminate = json(daemon.get("/v1/sessions/" + id + "/events")).get("events");
    Thread.sleep(Duration.ofMillis(800));
    JsonNode later = json(daemon.get("/v1/sessions/" + id + "/events")).get("events");
    assertThat(later.size()).isEqualTo(atTerminate.size()).isLessThan(66);
    assertThat(later.get(later.size() - 1).get("type").asText()).isEqualTo("session.ended");
  }
}
