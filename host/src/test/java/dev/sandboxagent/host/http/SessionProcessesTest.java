package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.http.TestServer.Frame;
import dev.sandboxagent.host.http.TestServer.SseStream;
import dev.sandboxagent.host.process.ProcTable;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The processes a session starts, through the API: a crashing agent, terminate and shutdown. */
@Timeout(60)
class SessionProcessesTest {

  @TempDir Path tmp;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(tmp);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private List<JsonNode> turn(String session, String message) throws Exception {
    String body = TestServer.JSON.createObjectNode().put("message", message).toString();
    try (SseStream stream = server.sse(server.request("/v1/sessions/" + session + "/messages/stream")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build())) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      return stream.readToEnd().stream().filter(f -> f.data() != null).map(Frame::json).toList();
    }
  }

  private static List<Long> printedPids(List<JsonNode> events) {
    return events.stream().filter(e -> e.path("type").asText().equals("item.delta"))
        .map(e -> e.path("data").path("delta").asText()).filter(d -> d.matches("\\d+")).map(Long::parseLong).toList();
  }

  @Test
  void aTurnEndsWithAnErrorWhenTheAgentExitsWhileAChildStillHoldsItsOutput() throws Exception {
    server.createSession("crash");

    List<JsonNode> events = turn("crash",
        "run sh -c 'trap \"\" TERM; exec sleep 600' & echo $!; echo init; sleep 1; exit 5");

    JsonNode last = events.get(events.size() - 1);
    assertThat(last.path("type").asText()).as(events.toString()).isEqualTo("error");
    assertThat(last.path("data").path("details").path("exitCode").asInt()).isEqualTo(5);
    assertThat(events).anyMatch(e -> e.path("data").path("delta").asText().equals("init"));
    List<Long> child = printedPids(events);
    assertThat(child).hasSize(1);
    ProcTable.awaitGone(child);
  }

  @Test
  void terminateAndShutdownLeaveNothingTheSessionsStarted() throws Exception {
    String script = "(sleep 600 >/dev/null 2>&1 & echo $!); nohup sleep 600 >/dev/null 2>&1 & echo $!";
    server.createSession("a");
    server.createSession("b");
    List<Long> ofA = printedPids(turn("a", "run " + script));
    List<Long> ofB = printedPids(turn("b", "run " + script));
    assertThat(ofA).hasSize(2).allMatch(ProcTable::running);
    assertThat(ofB).hasSize(2).allMatch(ProcTable::running);

    assertThat(server.postEmpty("/v1/sessions/a/terminate").statusCode()).isEqualTo(204);

    ProcTable.awaitGone(ofA);
    assertThat(ofB).allMatch(ProcTable::running);

    server.close();

    assertThat(ofB).noneMatch(ProcTable::running);
  }
}
