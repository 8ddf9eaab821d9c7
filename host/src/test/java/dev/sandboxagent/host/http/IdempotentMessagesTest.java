package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.store.SqliteStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST …/messages} with an {@code Idempotency-Key}: a retry is answered as the first, and sent once. */
@Timeout(60)
class IdempotentMessagesTest {

  @TempDir Path tmp;

  private static HttpResponse<String> send(TestServer server, String session, String key, String message) {
    String body = TestServer.JSON.createObjectNode().put("message", message).toString();
    HttpRequest.Builder request = server.request("/v1/sessions/" + session + "/messages")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return server.send(request.build());
  }

  private static List<String> received(String session) {
    return ScriptAdapter.RECEIVED.getOrDefault(session, List.of());
  }

  private static long storedKeys(Path data, String session) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteStore.FILE_NAME));
        Statement sql = c.createStatement();
        ResultSet rs = sql.executeQuery("SELECT count(*) FROM idempotency_keys WHERE session_id = '" + session + "'")) {
      return rs.getLong(1);
    }
  }

  @Test
  void aRetryIsAnsweredAsTheFirstAndTheAgentReceivesTheMessageOnce() throws Exception {
    try (TestServer server = TestServer.startDurable(tmp.resolve("one"), tmp.resolve("data"))) {
      server.createSession("idem-retry");
      assertThat(send(server, "idem-retry", "k-1", "reply once").statusCode()).isEqualTo(204);
      HttpResponse<String> retry = send(server, "idem-retry", "k-1", "reply once");
      assertThat(retry.statusCode()).isEqualTo(204);
      assertThat(retry.body()).isEmpty();
      assertThat(received("idem-retry")).containsExactly("reply once");

      // Without a key, or with another one, the same text is another message.
      assertThat(send(server, "idem-retry", "k-2", "reply once").statusCode()).isEqualTo(204);
      assertThat(send(server, "idem-retry", null, "reply once").statusCode()).isEqualTo(204);
      assertThat(received("idem-retry")).containsExactly("reply once", "reply once", "reply once");

      // Keys belong to their session.
      server.createSession("idem-other");
      assertThat(send(server, "idem-other", "k-1", "reply elsewhere").statusCode()).isEqualTo(204);
      assertThat(received("idem-other")).containsExactly("reply elsewhere");
    }
  }

  @Test
  void concurrentRetriesHandTheMessageOverOnce() throws Exception {
    try (TestServer server = TestServer.startDurable(tmp.resolve("one"), tmp.resolve("data"));
        ExecutorService pool = Executors.newFixedThreadPool(8)) {
      server.createSession("idem-race");
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(pool.submit(() -> send(server, "idem-race", "same", "reply raced")));
      }
      for (Future<HttpResponse<String>> answer : answers) {
        assertThat(answer.get().statusCode()).isEqualTo(204);
      }
      assertThat(received("idem-race")).containsExactly("reply raced");
    }
  }

  @Test
  void theSameKeyWithAnotherMessageIsRefusedWith422() throws Exception {
    try (TestServer server = TestServer.startDurable(tmp.resolve("one"), tmp.resolve("data"))) {
      server.createSession("idem-reused");
      assertThat(send(server, "idem-reused", "k", "reply first").statusCode()).isEqualTo(204);
      HttpResponse<String> reused = send(server, "idem-reused", "k", "reply second");
      assertThat(reused.statusCode()).isEqualTo(422);
      assertThat(reused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
      JsonNode problem = TestServer.json(reused);
      assertThat(problem.get("type").asText()).isEqualTo("urn:sandbox-agent:error:idempotency_key_reused");
      assertThat(problem.get("status").asInt()).isEqualTo(422);
      assertThat(problem.get("detail").asText()).contains("k").contains("another message");
      assertThat(problem.get("sessionId").asText()).isEqualTo("idem-reused");
      assertThat(problem.get("details").get("idempotencyKey").asText()).isEqualTo("k");
      assertThat(received("idem-reused")).containsExactly("reply first");
    }
  }

  @Test
  void keysThatCannotBeAKeyAreRefusedWith400() throws Exception {
    try (TestServer server = TestServer.startDurable(tmp.resolve("one"), tmp.resolve("data"))) {
      server.createSession("idem-bad");
      for (String key : List.of("x".repeat(256), "with space", "")) {
        HttpResponse<String> r = send(server, "idem-bad", key, "reply no");
        assertThat(r.statusCode()).as(key).isEqualTo(400);
        assertThat(TestServer.json(r).get("detail").asText()).contains("Idempotency-Key");
      }
      assertThat(send(server, "idem-bad", "x".repeat(255), "reply yes").statusCode()).isEqualTo(204);
      assertThat(received("idem-bad")).containsExactly("reply yes");
      // An unknown session is unknown, key or not.
      assertThat(send(server, "idem-none", "k", "reply no").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void keysSurviveARestartOfTheDaemonAndGoWithTheirSession() throws Exception {
    Path data = tmp.resolve("data");
    try (TestServer first = TestServer.startDurable(tmp.resolve("one"), data)) {
      first.createSession("idem-restart");
      assertThat(send(first, "idem-restart", "before", "reply kept").statusCode()).isEqualTo(204);
    }
    assertThat(storedKeys(data, "idem-restart")).isEqualTo(1);
    try (TestServer second = TestServer.startDurable(tmp.resolve("two"), data)) {
      long events = second.awaitEvents("idem-restart", 1).size();
      assertThat(send(second, "idem-restart", "before", "reply kept").statusCode()).isEqualTo(204);
      assertThat(send(second, "idem-restart", "before", "reply changed").statusCode()).isEqualTo(422);
      assertThat(received("idem-restart")).containsExactly("reply kept");
      // Nothing was handed over, so the agent was not even reopened.
      assertThat(second.awaitEvents("idem-restart", 1).size()).isEqualTo(events);

      assertThat(send(second, "idem-restart", "after", "reply new").statusCode()).isEqualTo(204);
      assertThat(received("idem-restart")).containsExactly("reply kept", "reply new");
      assertThat(second.delete("/v1/sessions/idem-restart").statusCode()).isEqualTo(204);
    }
    assertThat(storedKeys(data, "idem-restart")).isZero();
  }
}
