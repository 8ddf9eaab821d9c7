package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --event-sink postgresql://…}: sessions and events exported to a real PostgreSQL started for
 * the test, in order, once each, through outages and restarts of the database and of the daemon.
 */
@Timeout(180)
class EventExportTest {

  private static PostgresCluster postgres;

  @TempDir Path tmp;

  @BeforeAll
  static void startPostgres() throws Exception {
    Optional<Path> bin = PostgresCluster.binaries();
    if (bin.isEmpty()) {
      System.err.println("EventExportTest skipped: PostgreSQL is not installed (Debian package postgresql)");
    }
    Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL is not installed");
    postgres = PostgresCluster.start(bin.get());
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private TestServer daemon(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), dir.resolve("plugins"),
        dir.resolve("install"), dir.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), dir).withDataDir(tmp.resolve("data")).withEventSink(URI.create(postgres.url()));
    return TestServer.start(config, List.of(new ScriptAdapter()));
  }

  private static JsonNode sink(TestServer server) {
    JsonNode health = TestServer.json(server.get("/v1/health"));
    assertThat(health.get("status").asText()).isEqualTo("ok");
    return health.get("eventSink");
  }

  private static JsonNode awaitSink(TestServer server, Predicate<JsonNode> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode state = sink(server);
    while (!condition.test(state) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      state = sink(server);
    }
    assertThat(condition.test(state)).as("event sink state %s", state).isTrue();
    return state;
  }

  /** The events exported for a session, in sequence order (JSON trees: jsonb keeps no key order). */
  private static List<JsonNode> exported(String session) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    try (Connection c = postgres.connect(); Statement sql = c.createStatement();
        ResultSet rs = sql.executeQuery("SELECT sequence, event::text FROM events WHERE session_id = '" + session
            + "' ORDER BY sequence")) {
      while (rs.next()) {
        events.add(TestServer.JSON.readTree(rs.getString(2)));
        assertThat(rs.getLong(1)).isEqualTo(events.size());
      }
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState())) {
        throw e;
      }
      // undefined_table: the daemon has not created its tables yet, so nothing is exported
    }
    return events;
  }

  /** The events the daemon serves for a session, raw payloads included. */
  private static List<JsonNode> served(TestServer server, String session) {
    List<JsonNode> events = new ArrayList<>();
    TestServer.json(server.get("/v1/sessions/" + session + "/events?include_raw=true")).get("events")
        .forEach(events::add);
    return events;
  }

  private static void awaitExported(TestServer server, String session) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!exported(session).equals(served(server, session)) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(exported(session)).isEqualTo(served(server, session));
  }

  private static JsonNode awaitText(TestServer server, String session, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode e : TestServer.json(server.get("/v1/sessions/" + session + "/events")).get("events")) {
        if (e.toString().contains(text)) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no event with " + text);
  }

  private static List<String> sessionRow(String session) throws Exception {
    try (Connection c = postgres.connect(); Statement sql = c.createStatement();
        ResultSet rs = sql.executeQuery("SELECT daemon_id, tenant, agent, end_reason, terminated_by, ended_at IS NOT NULL"
            + " FROM sessions WHERE session_id = '" + session + "'")) {
      assertThat(rs.next()).as("session " + session + " is exported").isTrue();
      List<String> row = List.of(rs.getString(1), rs.getString(2), rs.getString(3), String.valueOf(rs.getString(4)),
          String.valueOf(rs.getString(5)), String.valueOf(rs.getBoolean(6)));
      assertThat(rs.next()).isFalse();
      return row;
    }
  }

  @Test
  void eventsAreExportedInOrderOnceEachThroughOutagesAndRestarts() throws Exception {
    String daemonId;
    try (TestServer server = daemon("one")) {
      server.createSession("exp");
      for (String word : List.of("one", "two")) {
        assertThat(server.post("/v1/sessions/exp/messages", "{\"message\":\"reply " + word + "\"}").statusCode())
            .isEqualTo(204);
        awaitText(server, "exp", "\"" + word + "\"");
      }
      awaitExported(server, "exp");
      JsonNode state = awaitSink(server, s -> s.get("lag").asLong() == 0);
      assertThat(state.get("connected").asBoolean()).isTrue();
      assertThat(state.get("exported").asLong()).isEqualTo(served(server, "exp").size());
      List<String> row = sessionRow("exp");
      daemonId = row.get(0);
      assertThat(row).containsExactly(daemonId, "", "script", "null", "null", "false");

      // The database goes away: the daemon serves on, the export waits and says why.
      postgres.stop();
      assertThat(server.post("/v1/sessions/exp/messages", "{\"message\":\"reply three\"}").statusCode())
          .isEqualTo(204);
      awaitText(server, "exp", "\"three\"");
      state = awaitSink(server, s -> !s.get("connected").asBoolean() && s.get("lag").asLong() > 0);
      assertThat(state.get("lastError").asText()).isNotEmpty();
      assertThat(state.get("lastErrorAt").asText()).isNotEmpty();
      Exposition behind = Exposition.parse(server.get("/metrics").body());
      assertThat(behind.count("sandbox_agent_event_sink_connected")).isZero();
      assertThat(behind.count("sandbox_agent_event_sink_lag_events")).isPositive();
      assertThat(behind.count("sandbox_agent_event_sink_lag_seconds")).isPositive();

      // Back: it catches up.
      postgres.start();
      awaitExported(server, "exp");
      awaitSink(server, s -> s.get("connected").asBoolean() && s.get("lag").asLong() == 0);
      Exposition caughtUp = Exposition.parse(server.get("/metrics").body());
      assertThat(caughtUp.count("sandbox_agent_event_sink_connected")).isEqualTo(1);
      assertThat(caughtUp.count("sandbox_agent_event_sink_lag_events")).isZero();
      assertThat(caughtUp.count("sandbox_agent_event_sink_lag_seconds")).isZero();
      assertThat(caughtUp.count("sandbox_agent_event_sink_exported_events_total")).isEqualTo(served(server, "exp").size());

      // Down again: an idle export notices too. And it stays down while the daemon stops.
      postgres.stop();
      awaitSink(server, s -> !s.get("connected").asBoolean() && s.get("lag").asLong() == 0);
      assertThat(server.post("/v1/sessions/exp/messages", "{\"message\":\"reply four\"}").statusCode())
          .isEqualTo(204);
      awaitText(server, "exp", "\"four\"");
      assertThat(server.postEmpty("/v1/sessions/exp/terminate").statusCode()).isEqualTo(204);
      awaitSink(server, s -> !s.get("connected").asBoolean() && s.get("lag").asLong() > 0);
    }

    // A restarted daemon on the same data catches up what it could not export, as the same daemon,
    // once the database is back.
    try (TestServer server = daemon("two")) {
      awaitSink(server, s -> !s.get("connected").asBoolean() && s.get("lag").asLong() > 0);
      postgres.start();
      awaitExported(server, "exp");
      List<JsonNode> all = served(server, "exp");
      assertThat(all).anyMatch(e -> e.toString().contains("\"four\""));
      assertThat(all.get(all.size() - 1).get("type").asText()).isEqualTo("session.ended");
      awaitSink(server, s -> s.get("connected").asBoolean() && s.get("lag").asLong() == 0);
      assertThat(sessionRow("exp")).containsExactly(daemonId, "", "script", "TERMINATED", "DAEMON", "true");
    }
  }

  @Test
  void manySessionsAreExportedInBatchesWithEverySessionInOrder() throws Exception {
    try (TestServer server = daemon("one")) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String id = "many-" + i;
        ids.add(id);
        server.createSession(id);
        assertThat(server.post("/v1/sessions/" + id + "/messages", "{\"message\":\"burst 1500\"}").statusCode())
            .isEqualTo(204);
      }
      for (String id : ids) {
        awaitText(server, id, "burst done");
      }
      for (String id : ids) {
        awaitExported(server, id);
      }
      awaitSink(server, s -> s.get("lag").asLong() == 0);
    }
  }
}
