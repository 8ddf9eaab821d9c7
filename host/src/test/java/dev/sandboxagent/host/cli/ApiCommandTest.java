package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.http.CorsConfig;
import dev.sandboxagent.host.http.ScriptAdapter;
import dev.sandboxagent.host.http.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code api} command against a real daemon on an ephemeral port. */
@Timeout(60)
class ApiCommandTest {

  @TempDir Path tmp;
  TestServer server;

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return TestServer.JSON.readTree(out);
    }
  }

  @BeforeEach
  void start() {
    server = TestServer.start(tmp, "s3cret", CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new ScriptAdapter()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Run api(String token, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("--token", token, "api"));
    all.addAll(List.of(args));
    all.addAll(List.of("--endpoint", server.base + "/"));
    CliRuns.Run run = CliRuns.run(java.util.Map.of(), all.toArray(String[]::new));
    return new Run(run.exit(), run.out(), run.err());
  }

  @Test
  void drivesASessionThroughEveryKindOfCommand() throws Exception {
    Run agents = api("s3cret", "agents", "list");
    assertThat(agents.exit()).isZero();
    assertThat(agents.out()).startsWith("{\n  \"agents\": [\n    {\n      \"id\": \"script\",");
    assertThat(api("s3cret", "agents", "modes", "script").json().get("modes")).hasSize(2);

    Run create = api("s3cret", "sessions", "create", "s1", "-a", "script", "-g", "plan", "--permission-mode=bypass");
    assertThat(create.exit()).as(create.err()).isZero();
    assertThat(create.json().get("healthy").asBoolean()).isTrue();
    assertThat(api("s3cret", "sessions", "list").json().get("sessions").get(0).get("agentMode").asText())
        .isEqualTo("plan");

    Run stream = api("s3cret", "sessions", "send-message-stream", "s1", "-m", "reply hello there");
    assertThat(stream.exit()).as(stream.err()).isZero();
    assertThat(stream.out()).contains("\"type\":\"item.completed\"").contains("hello there").contains("\ndata: {")
        .doesNotContain("event:");

    Run send = api("s3cret", "sessions", "send-message", "s1", "--message", "ask");
    assertThat(send.exit()).isZero();
    assertThat(send.out()).isEmpty();
    Run events = api("s3cret", "sessions", "events", "s1", "-o", "0", "-l", "100", "--include-raw");
    JsonNode list = events.json().get("events");
    String question = null;
    String permission = null;
    for (JsonNode e : list) {
      if (e.get("type").asText().equals("question.requested")) {
        question = e.get("data").get("question_id").asText();
      }
      if (e.get("type").asText().equals("permission.requested")) {
        permission = e.get("data").get("permission_id").asText();
      }
    }
    assertThat(api("s3cret", "sessions", "reply-question", "s1", question, "-a", "[[\"Yes\"]]").exit()).isZero();
    assertThat(api("s3cret", "sessions", "reply-permission", "s1", permission, "-r", "ALWAYS").exit()).isZero();
    assertThat(api("s3cret", "sessions", "get-messages", "s1", "-o", "5").json().get("events").toString())
        .contains("question.resolved").contains("permission.resolved");

    assertThat(api("s3cret", "sessions", "terminate", "s1").exit()).isZero();
    // The live stream stays open after the session ended; it ends when the daemon stops.
    java.util.concurrent.CompletableFuture<Run> sse = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> api("s3cret", "sessions", "events-sse", "s1", "-o", "0"));
    Thread.sleep(500);
    assertThat(sse).as("still streaming after session.ended").isNotDone();
    server.close();
    Run ended = sse.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(ended.exit()).isZero();
    assertThat(ended.out()).startsWith("id: 1\ndata: {").contains("\"type\":\"session.ended\"")
        .doesNotContain("event:");
  }

  @Test
  void errorsAndArgumentProblems() throws Exception {
    Run notFound = api("s3cret", "sessions", "events", "nope");
    assertThat(notFound.exit()).isEqualTo(1);
    assertThat(notFound.err()).contains("\"type\": \"urn:sandbox-agent:error:session_not_found\"")
        .contains("error: unexpected http status: 404 Not Found");

    Run unauthorized = api("wrong", "agents", "list");
    assertThat(unauthorized.exit()).isEqualTo(1);
    assertThat(unauthorized.err()).contains("unexpected http status: 401 Unauthorized");

    Run badReply = api("s3cret", "sessions", "reply-permission", "s1", "p1", "-r", "maybe");
    assertThat(badReply.exit()).isEqualTo(2);
    assertThat(badReply.err()).contains("Invalid value for option '--reply'").contains("'maybe'");

    Run badAnswers = api("s3cret", "sessions", "reply-question", "s1", "q1", "-a", "\"yes\"");
    assertThat(badAnswers.exit()).isEqualTo(2);
    assertThat(badAnswers.err()).contains("expected a JSON array of string arrays");
    Run notJson = api("s3cret", "sessions", "reply-question", "s1", "q1", "-a", "notjson");
    assertThat(notJson.exit()).isEqualTo(2);
    assertThat(notJson.err()).contains("not JSON").doesNotContain("Source").doesNotContain("\tat ");

    assertThat(api("s3cret", "sessions", "create", "s2").exit()).as("--agent is required").isEqualTo(2);
    assertThat(api("s3cret", "sessions", "explode").exit()).isEqualTo(2);
    assertThat(api("s3cret", "agents", "list", "--bogus").exit()).isEqualTo(2);

    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    CliRuns.Run down = CliRuns.run(java.util.Map.of(), "api", "-e", "http://127.0.0.1:" + dead, "agents", "list");
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err()).isEqualTo("error: the daemon is not reachable at http://127.0.0.1:" + dead
        + " (connection refused); is `sandbox-agent server` running there? (-e, --endpoint)\n");

    CliRuns.Run notAUrl = CliRuns.run(java.util.Map.of(), "api", "sessions", "list", "-e", "notaurl");
    assertThat(notAUrl.exit()).isEqualTo(2);
    assertThat(notAUrl.err()).startsWith("error: Invalid value for option '--endpoint': 'notaurl' is not")
        .doesNotContain("Exception");
  }

  @Test
  void idsAreSentAsOnePathSegmentEach() throws Exception {
    Run slash = api("s3cret", "sessions", "create", "x/y", "-a", "script");
    assertThat(slash.exit()).isEqualTo(1);
    assertThat(slash.err()).contains("path parameters must not contain path separators");
    for (String id : List.of("q?x=1", "a#b", "a b", "%41", "é")) {
      Run create = api("s3cret", "sessions", "create", id, "-a", "script");
      assertThat(create.exit()).as(id + ": " + create.err()).isZero();
    }
    List<String> ids = new java.util.ArrayList<>();
    api("s3cret", "sessions", "list").json().get("sessions").forEach(s -> ids.add(s.get("sessionId").asText()));
    assertThat(ids).containsExactlyInAnyOrder("q?x=1", "a#b", "a b", "%41", "é");
    assertThat(ApiClient.segment("q?x=1")).isEqualTo("q%3Fx%3D1");
    assertThat(ApiClient.segment("é/")).isEqualTo("%C3%A9%2F");
  }
}
