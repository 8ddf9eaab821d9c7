package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.http.TestServer.Frame;
import dev.sandboxagent.host.http.TestServer.SseStream;
import dev.sandboxagent.host.store.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --retention}: ended sessions are removed some time after their end, periodically and at start-up. */
@Timeout(60)
class RetentionTest {

  @TempDir Path tmp;

  private static List<String> listed(TestServer server) {
    List<String> ids = new ArrayList<>();
    for (JsonNode s : TestServer.json(server.get("/v1/sessions")).get("sessions")) {
      ids.add(s.get("sessionId").asText());
    }
    return ids;
  }

  private static long storedRows(Path data, String id) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteStore.FILE_NAME));
        Statement sql = c.createStatement();
        ResultSet rs = sql.executeQuery("SELECT (SELECT count(*) FROM sessions WHERE id = '" + id + "')"
            + " + (SELECT count(*) FROM events WHERE session_id = '" + id + "')")) {
      return rs.getLong(1);
    }
  }

  private static void awaitGone(TestServer server, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (listed(server).contains(id) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(listed(server)).doesNotContain(id);
  }

  @Test
  void anEndedSessionIsRemovedOnceItsRetentionHasPassedAndARunningOneIsKept() throws Exception {
    Path data = tmp.resolve("data");
    try (TestServer server = TestServer.startDurable(tmp.resolve("one"), data, Duration.ofSeconds(1))) {
      server.createSession("running");
      server.createSession("ended");
      assertThat(server.post("/v1/sessions/running/messages", "{\"message\":\"reply hi\"}").statusCode())
          .isEqualTo(204);
      assertThat(server.postEmpty("/v1/sessions/ended/terminate").statusCode()).isEqualTo(204);
      long ended = System.nanoTime();
      try (SseStream follower = server.sse(server.request("/v1/sessions/ended/events/sse").GET().build())) {
        assertThat(listed(server)).contains("running", "ended");

        awaitGone(server, "ended");

        assertThat(Duration.ofNanos(System.nanoTime() - ended)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        // Its reader saw the whole log and was then let go.
        List<Frame> frames = follower.readToEnd();
        assertThat(frames.stream().filter(f -> f.data() != null).map(Frame::type)).endsWith("session.ended");
      }
      assertThat(server.get("/v1/sessions/ended/events").statusCode()).isEqualTo(404);
      assertThat(storedRows(data, "ended")).isZero();

      // A running session is never removed, however old.
      Thread.sleep(1500);
      assertThat(listed(server)).containsExactly("running");
      assertThat(server.get("/v1/sessions/running/events").body()).contains("\"hi\"");
      assertThat(storedRows(data, "running")).isGreaterThan(1);
    }
  }

  @Test
  void sessionsPastTheirRetentionAreRemovedAtStartUpAlsoFromADatabaseOfThePreviousSchema() throws Exception {
    Path data = tmp.resolve("data");
    try (TestServer first = TestServer.startDurable(tmp.resolve("one"), data)) {
      first.createSession("old");
      first.createSession("running");
      assertThat(first.postEmpty("/v1/sessions/old/terminate").statusCode()).isEqualTo(204);
    }
    // The first schema, before ends were timed: the end of "old" is taken from its last event.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteStore.FILE_NAME));
        Statement sql = c.createStatement()) {
      sql.execute("DROP TABLE daemon");
      sql.execute("ALTER TABLE sessions DROP COLUMN exported_sequence");
      sql.execute("ALTER TABLE sessions DROP COLUMN exported_end");
      sql.execute("DROP TABLE idempotency_keys");
      sql.execute("ALTER TABLE sessions DROP COLUMN ended_at");
      sql.execute("PRAGMA user_version = 1");
    }
    Thread.sleep(2100);
    try (TestServer second = TestServer.startDurable(tmp.resolve("two"), data)) {
      second.createSession("recent");
      assertThat(second.postEmpty("/v1/sessions/recent/terminate").statusCode()).isEqualTo(204);
      assertThat(listed(second)).containsExactlyInAnyOrder("old", "running", "recent");
    }

    try (TestServer third = TestServer.startDurable(tmp.resolve("three"), data, Duration.ofSeconds(2))) {
      // At once: "old" ended more than two seconds ago, "recent" did not.
      assertThat(listed(third)).containsExactlyInAnyOrder("running", "recent");
      assertThat(third.get("/v1/sessions/old/events").statusCode()).isEqualTo(404);
      awaitGone(third, "recent");
      assertThat(listed(third)).containsExactly("running");
    }
    assertThat(storedRows(data, "old")).isZero();
    assertThat(storedRows(data, "recent")).isZero();
    assertThat(storedRows(data, "running")).isPositive();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(SqliteStore.FILE_NAME));
        Statement sql = c.createStatement(); ResultSet rs = sql.executeQuery("PRAGMA user_version")) {
      assertThat(rs.getInt(1)).isEqualTo(SqliteStore.SCHEMA_VERSION);
    }
  }
}
