package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.http.TestServer.Frame;
import dev.sandboxagent.host.http.TestServer.SseStream;
import dev.sandboxagent.host.process.ProcTable;
import dev.sandboxagent.host.store.SqliteStore;
import dev.sandboxagent.host.store.StoreException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sessions stored in the data directory: a restarted daemon serves and continues them. */
@Timeout(60)
class DurableSessionsTest {

  @TempDir Path tmp;

  private static List<String> texts(JsonNode events) {
    List<String> texts = new ArrayList<>();
    for (JsonNode e : events) {
      texts.add(e.toString());
    }
    return texts;
  }

  private static JsonNode events(TestServer server, String id, String query) {
    HttpResponse<String> r = server.get("/v1/sessions/" + id + "/events" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return TestServer.json(r).get("events");
  }

  private static JsonNode session(TestServer server, String id) {
    for (JsonNode s : TestServer.json(server.get("/v1/sessions")).get("sessions")) {
      if (s.get("sessionId").asText().equals(id)) {
        return s;
      }
    }
    throw new AssertionError("session " + id + " is not listed");
  }

  /** Polls until an event after {@code after} contains {@code text}. */
  private static JsonNode awaitText(TestServer server, String id, long after, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode e : events(server, id, "?offset=" + after)) {
        if (e.toString().contains(text)) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no event with " + text + " in " + events(server, id, ""));
  }

  @Test
  void theUsageOfEveryTurnIsSummedPerSessionAlsoAfterARestart() throws Exception {
    Path data = tmp.resolve("data");
    try (TestServer first = TestServer.startDurable(tmp.resolve("one"), data)) {
      first.createSession("u");
      first.createSession("none");
      assertThat(first.post("/v1/sessions/u/messages", "{\"message\":\"usage 100 20 0.25\"}").statusCode()).isEqualTo(204);
      assertThat(first.post("/v1/sessions/u/messages", "{\"message\":\"usage 50 5 0.5\"}").statusCode()).isEqualTo(204);
      awaitText(first, "u", 0, "\"input_tokens\":50");
      assertThat(session(first, "u").get("usage").toString())
          .isEqualTo("{\"input_tokens\":150,\"output_tokens\":25,\"cost_usd\":0.75}");
      assertThat(session(first, "none").has("usage")).isFalse();
    }
    try (TestServer second = TestServer.startDurable(tmp.resolve("two"), data)) {
      assertThat(session(second, "u").get("usage").toString())
          .isEqualTo("{\"input_tokens\":150,\"output_tokens\":25,\"cost_usd\":0.75}");
      assertThat(second.post("/v1/sessions/u/messages", "{\"message\":\"usage 1 1 0.25\"}").statusCode()).isEqualTo(204);
      awaitText(second, "u", 0, "\"input_tokens\":1,");
      assertThat(session(second, "u").get("usage").toString())
          .isEqualTo("{\"input_tokens\":151,\"output_tokens\":26,\"cost_usd\":1.0}");
    }
  }

  @Test
  void aRestartedDaemonServesTheSameLogsFromAnyOffsetAndContinuesTheSession() throws Exception {
    Path data = tmp.resolve("data");
    List<String> before;
    Set<String> itemIdsBefore = new HashSet<>();
    try (TestServer first = TestServer.startDurable(tmp.resolve("one"), data)) {
      first.createSession("s");
      assertThat(first.post("/v1/sessions/s/messages", "{\"message\":\"reply one\"}").statusCode()).isEqualTo(204);
      awaitText(first, "s", 0, "\"one\"");
      assertThat(first.post("/v1/sessions/s/messages", "{\"message\":\"ask x\"}").statusCode()).isEqualTo(204);
      awaitText(first, "s", 0, "permission.requested");
      first.createSession("done");
      assertThat(first.postEmpty("/v1/sessions/done/terminate").statusCode()).isEqualTo(204);
      assertThat(session(first, "s").has("restored")).isFalse();
      assertThat(session(first, "s").has("resumed")).isFalse();
      before = texts(events(first, "s", "?include_raw=true"));
      for (JsonNode e : events(first, "s", "")) {
        if (e.path("data").has("item")) {
          itemIdsBefore.add(e.get("data").get("item").get("item_id").asText());
        }
      }
    }
    int n = before.size();
    assertThat(n).isGreaterThanOrEqualTo(5);

    try (TestServer second = TestServer.startDurable(tmp.resolve("two"), data)) {
      JsonNode listed = session(second, "s");
      assertThat(listed.get("ended").asBoolean()).isFalse();
      assertThat(listed.get("nativeSessionId").asText()).isEqualTo("script-s");
      assertThat(session(second, "done").get("ended").asBoolean()).isTrue();
      assertThat(listed.get("restored").asBoolean()).isTrue();
      assertThat(session(second, "done").get("restored").asBoolean()).isTrue();
      assertThat(listed.has("resumed")).isFalse();
      second.createSession("new");
      assertThat(session(second, "new").has("restored")).isFalse();

      // The stored log, byte for byte, then the question and permission the restart left unanswered.
      JsonNode all = events(second, "s", "?include_raw=true");
      assertThat(texts(all).subList(0, n)).isEqualTo(before);
      assertThat(all).hasSize(n + 2);
      assertThat(all.get(n).get("type").asText()).isEqualTo("question.resolved");
      assertThat(all.get(n).get("data").get("status").asText()).isEqualTo("rejected");
      assertThat(all.get(n).get("raw").get("reason").asText()).contains("restarted");
      assertThat(all.get(n + 1).get("type").asText()).isEqualTo("permission.resolved");
      assertThat(all.get(n + 1).get("data").get("status").asText()).isEqualTo("denied");
      assertThat(second.post("/v1/sessions/s/questions/q2x/reply", "{\"answers\":[[\"Yes\"]]}").statusCode())
          .isEqualTo(400);

      // From an offset N, by polling and by SSE.
      assertThat(texts(events(second, "s", "?include_raw=true&offset=3"))).isEqualTo(texts(all).subList(3, n + 2));
      try (SseStream stream = second.sse(second.request("/v1/sessions/s/events/sse?offset=3").GET().build())) {
        for (int sequence = 4; sequence <= n + 2; sequence++) {
          Frame f = stream.nextEvent();
          assertThat(f.id()).isEqualTo(String.valueOf(sequence));
          assertThat(f.json().get("sequence").asLong()).isEqualTo(sequence);
        }
      }
      try (SseStream stream = second.sse(second.request("/v1/sessions/s/events/sse").GET().build())) {
        assertThat(stream.nextEvent().json().get("type").asText()).isEqualTo("session.started");
      }

      // The next message reopens the agent, which continues its own session.
      assertThat(second.post("/v1/sessions/s/messages", "{\"message\":\"resumed\"}").statusCode()).isEqualTo(204);
      JsonNode reply = awaitText(second, "s", n + 2, "resumed script-s");
      JsonNode after = events(second, "s", "");
      for (int i = 0; i < after.size(); i++) {
        assertThat(after.get(i).get("sequence").asLong()).isEqualTo(i + 1);
      }
      JsonNode resumed = after.get(n + 2);
      assertThat(resumed.toString()).contains("\"label\":\"session.resumed\"").contains("script-s");
      assertThat(itemIdsBefore).doesNotContain(reply.get("data").get("item").get("item_id").asText());
      assertThat(second.post("/v1/sessions/done/messages", "{\"message\":\"reply no\"}").statusCode()).isEqualTo(400);
      assertThat(session(second, "s").get("resumed").asBoolean()).isTrue();
      assertThat(session(second, "done").has("resumed")).isFalse();
    }
    // A later start still knows that the session was resumed, from its log.
    try (TestServer third = TestServer.startDurable(tmp.resolve("three"), data)) {
      assertThat(session(third, "s").get("resumed").asBoolean()).isTrue();
      assertThat(session(third, "new").get("restored").asBoolean()).isTrue();
      assertThat(session(third, "new").has("resumed")).isFalse();
    }
  }

  @Test
  void aDeletedSessionIsGoneFromMemoryAndFromDisk() throws Exception {
    Path data = tmp.resolve("data");
    try (TestServer first = TestServer.startDurable(tmp.resolve("one"), data)) {
      first.createSession("gone");
      first.createSession("kept");
      assertThat(first.post("/v1/sessions/gone/messages", "{\"message\":\"slow\"}").statusCode()).isEqualTo(204);
      first.awaitEvents("gone", 3);
      assertThat(first.delete("/v1/sessions/gone").statusCode()).isEqualTo(204);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (ScriptAdapter.RUNNING.get("gone").get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ScriptAdapter.RUNNING.get("gone").get()).as("the deleted session's agent is stopped").isZero();
      HttpResponse<String> missing = first.get("/v1/sessions/gone/events");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(TestServer.json(missing).get("type").asText()).isEqualTo("urn:sandbox-agent:error:session_not_found");
      assertThat(first.delete("/v1/sessions/gone").statusCode()).isEqualTo(404);
      assertThat(first.delete("/v1/sessions/never").statusCode()).isEqualTo(404);
      // The id is free again.
      first.createSession("gone");
      assertThat(first.delete("/v1/sessions/gone").statusCode()).isEqualTo(204);
    }
    try (TestServer second = TestServer.startDurable(tmp.resolve("two"), data)) {
      JsonNode sessions = TestServer.json(second.get("/v1/sessions")).get("sessions");
      assertThat(sessions).hasSize(1);
      assertThat(sessions.get(0).get("sessionId").asText()).isEqualTo("kept");
      assertThat(second.get("/v1/sessions/gone/events").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void deletingARunningSessionEndsItsStreamsAndStopsItsProcesses() throws Exception {
    try (TestServer server = TestServer.startDurable(Files.createDirectories(tmp.resolve("one")), tmp.resolve("data"))) {
      server.createSession("busy");
      try (SseStream live = server.sse(server.request("/v1/sessions/busy/events/sse").GET().build());
          SseStream turn = server.sse(server.request("/v1/sessions/busy/messages/stream")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"message\":\"run sleep 600 >/dev/null 2>&1 & echo $!; exec sleep 600\"}"))
              .build())) {
        assertThat(turn.response.statusCode()).isEqualTo(200);
        Frame pid;
        do {
          pid = turn.nextEvent();
        } while (pid != null && !pid.type().equals("item.delta"));
        assertThat(pid).as("the agent's child announces its pid").isNotNull();
        long child = pid.json().get("data").get("delta").asLong();
        assertThat(ProcTable.running(child)).isTrue();

        assertThat(server.delete("/v1/sessions/busy").statusCode()).isEqualTo(204);

        // Both streams deliver the session's end and then close; nothing the session started is left.
        List<Frame> restOfTurn = turn.readToEnd();
        assertThat(restOfTurn).isNotEmpty();
        assertThat(restOfTurn.get(restOfTurn.size() - 1).type()).isEqualTo("session.ended");
        List<Frame> restOfLive = live.readToEnd();
        assertThat(restOfLive.stream().filter(f -> f.data() != null).map(Frame::type)).contains("session.ended");
        ProcTable.awaitGone(List.of(child));
      }
      assertThat(server.get("/v1/sessions/busy/events/sse").statusCode()).isEqualTo(404);
      assertThat(server.daemon.openEventStreams()).isZero();
    }
  }

  @Test
  void aStoreThatCannotWriteDoesNotStopServingAndCatchesUpLater() throws Exception {
    Path data = tmp.resolve("data");
    try (TestServer server = TestServer.startDurable(tmp.resolve("one"), data);
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteStore.FILE_NAME));
        Statement sql = db.createStatement()) {
      server.createSession("s");
      assertThat(server.post("/v1/sessions/s/messages", "{\"message\":\"reply one\"}").statusCode()).isEqualTo(204);
      awaitText(server, "s", 0, "\"one\"");
      String schema;
      try (ResultSet rs = sql.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'events'")) {
        schema = rs.getString(1);
      }
      sql.execute("DROP TABLE events");

      assertThat(server.get("/v1/health").body()).isEqualTo("{\"status\":\"ok\"}");

      // Every write of the events fails now; the daemon serves on from memory, and says so.
      assertThat(server.post("/v1/sessions/s/messages", "{\"message\":\"reply two\"}").statusCode()).isEqualTo(204);
      awaitText(server, "s", 0, "\"two\"");
      assertThat(server.get("/v1/sessions").statusCode()).isEqualTo(200);
      JsonNode health = TestServer.json(server.get("/v1/health"));
      assertThat(health.get("status").asText()).isEqualTo("ok");
      assertThat(health.at("/store/writing").asBoolean(true)).isFalse();
      assertThat(health.at("/store/pendingWrites").asInt()).isPositive();
      assertThat(health.at("/store/lastError").asText()).contains("no such table: events");
      assertThat(health.at("/store/failingSince").asText()).isNotEmpty();

      // Once it can write again, what it could not store is stored.
      sql.execute(schema);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      boolean stored = false;
      while (!stored && System.nanoTime() < deadline) {
        try (ResultSet rs = sql.executeQuery(
            "SELECT count(*) FROM events WHERE session_id = 's' AND CAST(json AS TEXT) LIKE '%\"two\"%'")) {
          stored = rs.getInt(1) > 0;
        }
        Thread.sleep(50);
      }
      assertThat(stored).as("the failed writes are stored once the database can be written").isTrue();
      assertThat(server.get("/v1/health").body()).isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @Test
  void aSecondDaemonOnTheSameDataDirectoryIsRefusedWithThePathAndPid() {
    Path data = tmp.resolve("data");
    try (TestServer first = TestServer.startDurable(tmp.resolve("one"), data)) {
      assertThatThrownBy(() -> TestServer.startDurable(tmp.resolve("two"), data))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(data.toString())
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      assertThat(first.get("/v1/sessions").statusCode()).isEqualTo(200);
    }
    // Released with the daemon.
    TestServer.startDurable(tmp.resolve("three"), data).close();
  }

  @Test
  void aDatabaseOfANewerSchemaIsRefusedAndOneOfTheCurrentSchemaIsKept() throws Exception {
    Path data = tmp.resolve("data");
    TestServer.startDurable(tmp.resolve("one"), data).close();
    Path db = data.resolve(SqliteStore.FILE_NAME);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement sql = c.createStatement();
        ResultSet rs = sql.executeQuery("PRAGMA user_version")) {
      assertThat(rs.getInt(1)).isEqualTo(SqliteStore.SCHEMA_VERSION);
      sql.execute("PRAGMA user_version = " + (SqliteStore.SCHEMA_VERSION + 1));
    }
    assertThatThrownBy(() -> TestServer.startDurable(tmp.resolve("two"), data))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(db.toString())
        .hasMessageContaining("schema version " + (SqliteStore.SCHEMA_VERSION + 1));
  }

  @Test
  void aDamagedDatabaseStopsTheStartWithItsPath() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path db = data.resolve(SqliteStore.FILE_NAME);
    Files.writeString(db, "this is not a database, not even close; ".repeat(200));
    assertThatThrownBy(() -> TestServer.startDurable(tmp.resolve("one"), data))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(db.toString());
    // The lock is not kept by the failed start.
    Files.delete(db);
    TestServer.startDurable(tmp.resolve("two"), data).close();
  }
}
