package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault rules the host applies to every agent process it drives: a silent turn, an exit with
 * status 0 in the middle of a turn, a failed exit, a turn waiting for the user, processes per turn.
 */
class AgentProcessRulesTest {

  @TempDir
  Path tmp;
  TestServer server;
  Path pids;

  @BeforeEach
  void start() {
    pids = tmp.resolve("pids");
    String script = "echo $$ >> '" + pids + "'\n"
        + "while IFS= read -r line; do\n"
        + "  case \"$line\" in\n"
        + "    hello) echo '{\"text\":\"hi\"}'; echo '{\"done\":true}' ;;\n"
        + "    silent) ;;\n"
        + "    exit0) echo 'bye now' >&2; exit 0 ;;\n"
        + "    fail) echo oops >&2; exit 3 ;;\n"
        + "    ask) echo '{\"ask\":\"p1\"}' ;;\n"
        + "    'answer p1') echo '{\"text\":\"thanks\"}'; echo '{\"done\":true}' ;;\n"
        + "    bye) echo '{\"done\":true}'; exit 0 ;;\n"
        + "  esac\n"
        + "done\n";
    server = TestServer.start(tmp, null, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new LineAgentAdapter(script, Duration.ofMillis(500))));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String session(String id) {
    var created = server.post("/v1/sessions/" + id, "{\"agent\":\"line\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    return id;
  }

  private void send(String session, String message) {
    assertThat(server.post("/v1/sessions/" + session + "/messages", "{\"message\":\"" + message + "\"}").statusCode())
        .isEqualTo(204);
  }

  private List<JsonNode> events(String session) {
    List<JsonNode> list = new ArrayList<>();
    TestServer.json(server.get("/v1/sessions/" + session + "/events")).get("events").forEach(list::add);
    return list;
  }

  private List<JsonNode> await(String session, Predicate<List<JsonNode>> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      List<JsonNode> events = events(session);
      if (done.test(events)) {
        return events;
      }
      assertThat(System.nanoTime()).as("events of %s: %s", session, events).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static Predicate<List<JsonNode>> count(String type, String text, int n) {
    return events -> events.stream().filter(e -> e.get("type").asText().equals(type)
        && e.get("data").toString().contains(text)).count() >= n;
  }

  private static List<JsonNode> ofType(List<JsonNode> events, String type) {
    return events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
  }

  private List<Long> pids() throws Exception {
    return Files.exists(pids) ? Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong).toList()
        : List.of();
  }

  private static void awaitGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      assertThat(System.nanoTime()).as("process %d is gone", pid).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aSilentTurnEndsWithAnIdleErrorItsProcessIsStoppedAndTheSessionGoesOn() throws Exception {
    String s = session("silent");
    send(s, "hello");
    await(s, count("item.completed", "turn.completed", 1));
    send(s, "silent");
    List<JsonNode> events = await(s, count("error", "idle_timeout", 1));
    JsonNode error = ofType(events, "error").get(0);
    assertThat(error.get("data").get("message").asText()).isEqualTo("Line agent wrote nothing for 0.5 s; the turn was stopped");
    awaitGone(pids().get(0));

    send(s, "hello");
    events = await(s, count("item.completed", "turn.completed", 2));
    assertThat(pids()).hasSize(2);
    Thread.sleep(1000); // two idle timeouts after the turn's end: an idle session is not a silent turn
    events = events(s);
    assertThat(ofType(events, "error")).hasSize(1);
    assertThat(ofType(events, "session.ended")).isEmpty();
  }

  @Test
  void anExitWithStatusZeroInTheMiddleOfATurnEndsItWithAnError() throws Exception {
    String s = session("exit0");
    send(s, "exit0");
    List<JsonNode> events = await(s, count("error", "process_exit", 1));
    JsonNode error = ofType(events, "error").get(0).get("data");
    assertThat(error.get("message").asText()).isEqualTo("Line agent exited with status 0 before the end of its turn: bye now");
    assertThat(error.get("details").get("exitCode").asInt()).isZero();

    send(s, "bye");
    events = await(s, count("item.completed", "turn.completed", 1));
    Thread.sleep(300);
    assertThat(ofType(events(s), "error")).as("an exit after the turn's end is no error").hasSize(1);
  }

  @Test
  void aFailedExitIsReportedByTheTranslatorAlone() throws Exception {
    String s = session("fail");
    send(s, "fail");
    await(s, count("error", "oops", 1));
    Thread.sleep(1000); // two idle timeouts: the turn has ended with the exit
    List<JsonNode> errors = ofType(events(s), "error");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).get("data").get("message").asText()).isEqualTo("failed: oops");
  }

  @Test
  void aTurnWaitingForTheUserIsNotIdle() throws Exception {
    String s = session("ask");
    send(s, "ask");
    await(s, count("permission.requested", "p1", 1));
    Thread.sleep(1500); // three idle timeouts while the user decides
    assertThat(ofType(events(s), "error")).isEmpty();
    assertThat(server.post("/v1/sessions/" + s + "/permissions/p1/reply", "{\"reply\":\"once\"}").statusCode())
        .isEqualTo(204);
    await(s, count("item.completed", "turn.completed", 1));
    assertThat(ofType(events(s), "error")).isEmpty();
  }

  @Test
  void turnsQueuedForProcessesOfTheirOwnEachEndOnce() throws Exception {
    String s = session("once");
    send(s, "once:sleep 0.3; echo '{\\\"text\\\":\\\"one\\\"}'; echo '{\\\"done\\\":true}'");
    send(s, "once:echo '{\\\"text\\\":\\\"two\\\"}'; echo '{\\\"done\\\":true}'");
    send(s, "once:echo 'left early' >&2");
    List<JsonNode> events = await(s, count("error", "process_exit", 1));
    assertThat(ofType(events, "item.completed").stream().map(e -> e.get("data").toString())
        .filter(d -> d.contains("turn.completed")).count()).isEqualTo(2);
    assertThat(ofType(events, "error")).singleElement()
        .satisfies(e -> assertThat(e.get("data").get("message").asText()).endsWith(": left early"));
    Thread.sleep(1000);
    assertThat(ofType(events(s), "error")).hasSize(1);
  }
}
