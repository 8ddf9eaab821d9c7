package dev.sandboxagent.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.ExitStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The peer driven as the host drives it: lines in through {@link JsonRpcPeer#stdout}, the exit
 * through {@link JsonRpcPeer#exited}, and what it writes recorded by a stand-in process (real
 * processes are the plugins' integration tests' business).
 */
@Timeout(30)
class JsonRpcPeerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Records the lines written to it; {@link #answer} may reply at once, as a fast agent would. */
  private static final class RecordingProcess implements AgentProcess {
    final List<String> written = new CopyOnWriteArrayList<>();
    volatile boolean alive = true;
    volatile Consumer<String> answer = line -> {};

    @Override
    public long pid() {
      return 4242;
    }

    @Override
    public void writeLine(String line) {
      if (!alive) {
        throw new AgentException(AgentException.Kind.PROCESS_EXITED, "stdin is closed");
      }
      written.add(line);
      answer.accept(line);
    }

    @Override
    public void closeInput() {
      alive = false;
    }

    @Override
    public boolean isAlive() {
      return alive;
    }

    @Override
    public String stderrTail() {
      return "";
    }

    @Override
    public void stop() {
      alive = false;
    }
  }

  private final RecordingProcess process = new RecordingProcess();
  private final List<String> unparsed = new CopyOnWriteArrayList<>();

  private JsonRpcPeer attached(JsonRpcPeer.Builder builder) {
    JsonRpcPeer peer = builder.onUnparsed(unparsed::add).build();
    peer.start(listener -> process);
    return peer;
  }

  private static ObjectNode params(String key, String value) {
    return JSON.createObjectNode().put(key, value);
  }

  private static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the future did not complete", e);
    }
    throw new AssertionError("the future succeeded");
  }

  @Test
  void aRequestCarriesJsonrpcIdMethodAndParamsAndCompletesWithItsResult() throws Exception {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> first = peer.request("session/new", params("cwd", "/work"));
    CompletableFuture<JsonNode> second = peer.request("session/list", null);

    assertThat(process.written).containsExactly(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"session/new\",\"params\":{\"cwd\":\"/work\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"session/list\"}");
    assertThat(peer.pendingRequests()).isEqualTo(2);
    peer.stdout("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"sessions\":[]}}");
    peer.stdout("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"sessionId\":\"s-1\"}}");

    assertThat(first.get().path("sessionId").asText()).isEqualTo("s-1");
    assertThat(second.get().path("sessions").isArray()).isTrue();
    assertThat(peer.pendingRequests()).isZero();
  }

  @Test
  void withoutTheJsonrpcMemberMessagesStartWithTheirIdOrMethod() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().jsonrpcMember(false)
        .onOtherRequests(r -> CompletableFuture.completedFuture(JSON.createObjectNode().put("ok", true))));
    peer.request("initialize", params("name", "x"));
    peer.notify("initialized", null);
    peer.notify("progress", params("step", "1"));
    peer.stdout("{\"id\":7,\"method\":\"ask\"}");

    assertThat(process.written).containsExactly(
        "{\"id\":1,\"method\":\"initialize\",\"params\":{\"name\":\"x\"}}",
        "{\"method\":\"initialized\"}",
        "{\"method\":\"progress\",\"params\":{\"step\":\"1\"}}",
        "{\"id\":7,\"result\":{\"ok\":true}}");
  }

  @Test
  void anErrorResponseFailsTheRequestWithItsCodeMessageAndData() throws Exception {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> future = peer.request("turn/start", null);
    peer.stdout("{\"id\":1,\"error\":{\"code\":-32000,\"message\":\"quota exceeded\",\"data\":{\"retry\":60}}}");

    assertThat(failure(future)).isInstanceOfSatisfying(JsonRpcException.class, e -> {
      assertThat(e.code()).isEqualTo(-32000);
      assertThat(e.getMessage()).isEqualTo("quota exceeded");
      assertThat(e.data().path("retry").asInt()).isEqualTo(60);
      assertThat(e.kind()).isEqualTo(AgentException.Kind.STREAM_ERROR);
    });
  }

  @Test
  void anErrorWithoutMessageIsDescribedByItsJson() throws Exception {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> future = peer.request("turn/start", null);
    peer.stdout("{\"id\":1,\"error\":{\"code\":7}}");

    assertThat(failure(future)).isInstanceOfSatisfying(JsonRpcException.class, e -> {
      assertThat(e.code()).isEqualTo(7);
      assertThat(e.getMessage()).isEqualTo("{\"code\":7}");
      assertThat(e.data()).isNull();
    });
  }

  @Test
  void aResponseWithAStringIdOrANullResultIsAccepted() throws Exception {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> first = peer.request("a", null);
    CompletableFuture<JsonNode> second = peer.request("b", null);
    peer.stdout("{\"id\":\"1\",\"result\":\"done\"}");
    peer.stdout("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}");

    assertThat(first.get().asText()).isEqualTo("done");
    assertThat(second.get().isNull()).isTrue();
  }

  @Test
  void aResponseToNoPendingRequestIsIgnored() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> future = peer.request("a", null);
    peer.stdout("{\"id\":41,\"result\":{}}");
    peer.stdout("{\"id\":\"other\",\"result\":{}}");
    peer.stdout("{\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse error\"}}");

    assertThat(future).isNotDone();
    assertThat(peer.pendingRequests()).isEqualTo(1);
    assertThat(unparsed).isEmpty();
    assertThat(process.written).hasSize(1);
  }

  @Test
  void aRequestWithoutAnswerTimesOutAndALateAnswerIsIgnored() throws Exception {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().requestTimeout(Duration.ofMillis(100)));
    CompletableFuture<JsonNode> future = peer.request("thread/start", null);

    assertThat(failure(future)).isInstanceOf(TimeoutException.class)
        .hasMessage("thread/start got no answer from the agent within 100 ms");
    assertThat(peer.pendingRequests()).isZero();
    peer.stdout("{\"id\":1,\"result\":{}}");
    assertThat(unparsed).isEmpty();
  }

  @Test
  void aCallMayGiveItsOwnTimeout() throws Exception {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().name("the server"));
    CompletableFuture<JsonNode> quick = peer.request("ping", null, Duration.ofMillis(50));
    CompletableFuture<JsonNode> patient = peer.request("work", null);

    assertThat(failure(quick)).hasMessage("ping got no answer from the server within 50 ms");
    assertThat(patient).isNotDone();
    peer.stdout("{\"id\":2,\"result\":1}");
    assertThat(patient.get().asInt()).isEqualTo(1);
  }

  @Test
  void theExitFailsEveryPendingRequestWithTheStatusAndStderrThenCallsOnExit() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().name("the app-server")
        .onExit(status -> order.add("exit " + status.exitCode())));
    CompletableFuture<JsonNode> first = peer.request("a", null);
    CompletableFuture<JsonNode> second = peer.request("b", null);
    first.whenComplete((r, e) -> order.add("a failed"));
    second.whenComplete((r, e) -> order.add("b failed"));

    process.alive = false;
    peer.exited(new ExitStatus(3, null, "fatal: out of tokens\n"));

    for (CompletableFuture<JsonNode> future : List.of(first, second)) {
      assertThat(failure(future)).isInstanceOfSatisfying(AgentException.class, e -> {
        assertThat(e.kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED);
        assertThat(e.getMessage()).isEqualTo("the app-server exited with status 3: fatal: out of tokens");
      });
    }
    assertThat(order).containsExactlyInAnyOrder("a failed", "b failed", "exit 3");
    assertThat(order.get(2)).isEqualTo("exit 3");
    assertThat(peer.pendingRequests()).isZero();
    assertThat(peer.isOpen()).isFalse();
  }

  @Test
  void aSignalIsNamedInTheExitMessage() throws Exception {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> future = peer.request("a", null);
    peer.exited(new ExitStatus(null, 9, ""));
    assertThat(failure(future)).hasMessage("the agent exited with signal 9");
  }

  @Test
  void afterTheExitNothingIsSentAndTheCallerIsToldAtOnce() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().name("the app-server"));
    peer.exited(new ExitStatus(0, null, ""));

    assertThatThrownBy(() -> peer.request("a", null)).isInstanceOfSatisfying(AgentException.class,
        e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED)).hasMessage("the app-server is not running");
    assertThatThrownBy(() -> peer.notify("b", null)).isInstanceOf(AgentException.class);
    assertThat(process.written).isEmpty();
    assertThat(peer.pendingRequests()).isZero();
  }

  @Test
  void aRequestThatCannotBeWrittenIsNotLeftPending() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    process.answer = line -> {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "stdin is closed");
    };
    assertThatThrownBy(() -> peer.request("a", null)).hasMessage("stdin is closed");
    assertThat(peer.pendingRequests()).isZero();
  }

  @Test
  void aRequestOfTheOtherSideIsAnsweredWhenItsFutureCompletesLater() {
    CompletableFuture<JsonNode> decision = new CompletableFuture<>();
    List<JsonRpcMessage> asked = new CopyOnWriteArrayList<>();
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().onRequest("session/request_permission", r -> {
      asked.add(r);
      return decision;
    }));
    String line = "{\"jsonrpc\":\"2.0\",\"id\":\"perm-1\",\"method\":\"session/request_permission\",\"params\":{\"tool\":\"x\"}}";
    peer.stdout(line);

    assertThat(asked).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(line);
      assertThat(r.id().asText()).isEqualTo("perm-1");
      assertThat(r.params().path("tool").asText()).isEqualTo("x");
      assertThat(r.isRequest()).isTrue();
    });
    assertThat(process.written).isEmpty();
    decision.complete(JSON.createObjectNode().put("outcome", "allow"));
    assertThat(process.written).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":\"perm-1\",\"result\":{\"outcome\":\"allow\"}}");
  }

  @Test
  void aHandlerFailingWithAJsonRpcErrorAnswersWithThatError() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().jsonrpcMember(false)
        .onRequest("fs/read", r -> CompletableFuture.failedFuture(
            new JsonRpcException(-32002, "no such file", JSON.createObjectNode().put("path", "/x"))))
        .onOtherRequests(r -> {
          throw new JsonRpcException(JsonRpcException.METHOD_NOT_FOUND, "unsupported request: " + r.method());
        }));
    peer.stdout("{\"id\":5,\"method\":\"fs/read\"}");
    peer.stdout("{\"id\":99,\"method\":\"item/tool/requestUserInput\",\"params\":{}}");

    assertThat(process.written).containsExactly(
        "{\"id\":5,\"error\":{\"code\":-32002,\"message\":\"no such file\",\"data\":{\"path\":\"/x\"}}}",
        "{\"id\":99,\"error\":{\"code\":-32601,\"message\":\"unsupported request: item/tool/requestUserInput\"}}");
  }

  @Test
  void aHandlerThatThrowsOrFailsAnswersWithAnInternalError() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder()
        .onRequest("boom", r -> {
          throw new IllegalStateException("handler bug");
        })
        .onRequest("late", r -> CompletableFuture.supplyAsync(() -> {
          throw new IllegalArgumentException("later bug");
        }, Runnable::run))
        .onRequest("nothing", r -> null));
    peer.stdout("{\"id\":1,\"method\":\"boom\"}");
    peer.stdout("{\"id\":2,\"method\":\"late\"}");
    peer.stdout("{\"id\":3,\"method\":\"nothing\"}");

    assertThat(process.written).containsExactly(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"handler bug\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32603,\"message\":\"later bug\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32603,\"message\":\"the handler returned no future\"}}");
  }

  @Test
  void aRequestNoHandlerTakesIsAnsweredMethodNotFound() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder()
        .onRequest("known", r -> CompletableFuture.completedFuture(null)));
    peer.stdout("{\"id\":1,\"method\":\"unknown/thing\"}");
    peer.stdout("{\"id\":2,\"method\":\"known\"}");

    assertThat(process.written).containsExactly(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"method not found: unknown/thing\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}");
  }

  @Test
  void notificationsGoToTheirHandlerOrTheCatchAllAndAreNeverAnswered() {
    List<String> seen = new CopyOnWriteArrayList<>();
    JsonRpcPeer peer = attached(JsonRpcPeer.builder()
        .onNotification("session/update", n -> seen.add("update " + n.params().path("n").asInt()))
        .onOtherNotifications(n -> seen.add("other " + n.method() + " " + n.isRequest())));
    peer.stdout("{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":{\"n\":1}}");
    peer.stdout("{\"method\":\"turn/started\"}");
    peer.stdout("{\"method\":\"session/update\",\"params\":{\"n\":2}}");

    assertThat(seen).containsExactly("update 1", "other turn/started false", "update 2");
    assertThat(process.written).isEmpty();
  }

  @Test
  void aNotificationWithoutHandlerIsDroppedAndAThrowingHandlerDoesNotStopTheNextLine() {
    List<String> seen = new CopyOnWriteArrayList<>();
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().onNotification("bad", n -> {
      throw new IllegalStateException("handler bug");
    }).onNotification("good", n -> seen.add("good")));
    peer.stdout("{\"method\":\"nobody/listens\"}");
    peer.stdout("{\"method\":\"bad\"}");
    peer.stdout("{\"method\":\"good\"}");

    assertThat(seen).containsExactly("good");
    assertThat(unparsed).isEmpty();
    assertThat(process.written).isEmpty();
  }

  @Test
  void linesThatAreNotJsonRpcMessagesGoToTheUnparsedCallback() {
    List<String> seen = new CopyOnWriteArrayList<>();
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().onOtherNotifications(n -> seen.add(n.method())));
    List<String> garbage = List.of("Starting server…", "", "[1,2]", "42", "\"text\"", "{\"id\":1}",
        "{\"method\":5}", "{\"unrelated\":true}", "{\"method\":\"cut");
    garbage.forEach(peer::stdout);
    peer.stdout("{\"method\":\"still/listening\"}");

    assertThat(unparsed).containsExactlyElementsOf(garbage);
    assertThat(seen).containsExactly("still/listening");
    assertThat(process.written).isEmpty();
  }

  @Test
  void whatIsWrittenBeforeTheProcessIsAttachedIsWrittenOnAttach() throws Exception {
    JsonRpcPeer peer = JsonRpcPeer.builder()
        .onRequest("hello", r -> CompletableFuture.completedFuture(JSON.createObjectNode())).build();
    CompletableFuture<JsonNode> early = peer.request("initialize", null);
    peer.stdout("{\"id\":1,\"method\":\"hello\"}");
    assertThat(process.written).isEmpty();

    peer.attach(process);
    assertThat(process.written).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    peer.stdout("{\"id\":1,\"result\":{\"v\":2}}");
    assertThat(early.get().path("v").asInt()).isEqualTo(2);
    assertThatThrownBy(() -> peer.attach(process)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void callWaitsForTheResultAndThrowsTheErrorOrExit() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    JsonRpcPeer[] self = {peer};
    process.answer = line -> {
      JsonNode request = readTree(line);
      String id = request.get("id").asText();
      switch (request.get("method").asText()) {
        case "add" -> self[0].stdout("{\"id\":" + id + ",\"result\":" + request.at("/params/a").asInt() * 2 + "}");
        case "fail" -> self[0].stdout("{\"id\":" + id + ",\"error\":{\"code\":-1,\"message\":\"refused\"}}");
        default -> self[0].exited(new ExitStatus(1, null, "bye"));
      }
    };

    assertThat(peer.call("add", JSON.createObjectNode().put("a", 21)).asInt()).isEqualTo(42);
    assertThatThrownBy(() -> peer.call("fail", null)).isInstanceOfSatisfying(JsonRpcException.class,
        e -> assertThat(e.code()).isEqualTo(-1)).hasMessage("refused");
    assertThatThrownBy(() -> peer.call("die", null)).isInstanceOfSatisfying(AgentException.class,
        e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED))
        .hasMessage("the agent exited with status 1: bye");
  }

  @Test
  void callTurnsATimeoutIntoAStreamError() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().requestTimeout(Duration.ofMillis(50)));
    assertThatThrownBy(() -> peer.call("slow", null)).isInstanceOfSatisfying(AgentException.class,
        e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.STREAM_ERROR))
        .hasMessage("slow got no answer from the agent within 50 ms");
    assertThat(peer.pendingRequests()).isZero();
  }

  @Test
  void cancellingARequestForgetsIt() {
    JsonRpcPeer peer = attached(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> future = peer.request("a", null);
    future.cancel(false);
    assertThat(peer.pendingRequests()).isZero();
    peer.stdout("{\"id\":1,\"result\":{}}");
    assertThat(unparsed).isEmpty();
  }

  @Test
  void stderrLinesReachTheirCallback() {
    List<String> lines = new CopyOnWriteArrayList<>();
    JsonRpcPeer peer = attached(JsonRpcPeer.builder().onStderr(lines::add));
    peer.stderr("warning: slow disk");
    assertThat(lines).containsExactly("warning: slow disk");
  }

  @Test
  void theBuilderRefusesAPointlessTimeout() {
    assertThatThrownBy(() -> JsonRpcPeer.builder().requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static JsonNode readTree(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
