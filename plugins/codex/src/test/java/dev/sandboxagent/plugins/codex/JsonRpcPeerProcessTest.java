package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.support.JsonRpcException;
import dev.sandboxagent.api.support.JsonRpcMessage;
import dev.sandboxagent.api.support.JsonRpcPeer;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The support library's JSON-RPC peer, as the Codex server uses it, over a real process started
 * through a session context: a stand-in agent ({@code src/test/resources/rpc/agent}) that answers,
 * refuses, stays silent, asks questions of its own, chatters and dies.
 */
@Timeout(60)
class JsonRpcPeerProcessTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TestSessionContext context;
  private final List<JsonRpcMessage> asked = new CopyOnWriteArrayList<>();
  private final List<String> progress = new CopyOnWriteArrayList<>();
  private final List<String> unparsed = new CopyOnWriteArrayList<>();
  private final List<ExitStatus> exits = new CopyOnWriteArrayList<>();
  private final CompletableFuture<JsonNode> approval = new CompletableFuture<>();

  @BeforeEach
  void copyTheAgent() throws IOException {
    Path program = dir.resolve("agent");
    Files.copy(Path.of("src/test/resources/rpc/agent"), program);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    context = TestSessionContext.of("s1", program, dir, Map.of());
  }

  @AfterEach
  void stop() {
    context.close();
  }

  private JsonRpcPeer start(JsonRpcPeer.Builder builder) {
    JsonRpcPeer peer = builder.name("the fake agent")
        .onRequest("approve", request -> {
          asked.add(request);
          return approval;
        })
        .onNotification("progress", n -> progress.add(n.params().path("n").asText()))
        .onUnparsed(unparsed::add)
        .onExit(exits::add)
        .build();
    peer.start(listener -> context.startProcess(new ProcessSpec(List.of(context.binary().toString()), Map.of(), null),
        listener));
    return peer;
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static Throwable failure(CompletableFuture<JsonNode> future) throws Exception {
    try {
      future.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the request succeeded");
  }

  private List<String> stdin() throws IOException {
    return Files.readAllLines(dir.resolve("stdin.log"));
  }

  @Test
  void aRequestGetsItsResultAndCodexStyleMessagesHaveNoJsonrpcMember() throws Exception {
    JsonRpcPeer peer = start(JsonRpcPeer.builder().jsonrpcMember(false));
    JsonNode result = peer.call("echo", JSON.createObjectNode().put("word", "hello"));

    assertThat(result.path("word").asText()).isEqualTo("hello");
    assertThat(stdin()).containsExactly("{\"id\":1,\"method\":\"echo\",\"params\":{\"word\":\"hello\"}}");
  }

  @Test
  void anErrorResponseFailsTheRequestWithCodeMessageAndData() throws Exception {
    JsonRpcPeer peer = start(JsonRpcPeer.builder());
    Throwable error = failure(peer.request("fail", null));

    assertThat(error).isInstanceOfSatisfying(JsonRpcException.class, e -> {
      assertThat(e.code()).isEqualTo(-32000);
      assertThat(e.getMessage()).isEqualTo("refused");
      assertThat(e.data().path("why").asText()).isEqualTo("test");
    });
    assertThat(stdin()).containsExactly("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fail\"}");
  }

  @Test
  void aRequestWithoutAnswerTimesOutAndThePeerGoesOn() throws Exception {
    JsonRpcPeer peer = start(JsonRpcPeer.builder());
    Throwable error = failure(peer.request("silent", null, Duration.ofMillis(300)));

    assertThat(error).isInstanceOf(TimeoutException.class)
        .hasMessage("silent got no answer from the fake agent within 300 ms");
    assertThat(peer.pendingRequests()).isZero();
    assertThat(peer.call("echo", JSON.createObjectNode().put("after", true)).path("after").asBoolean()).isTrue();
  }

  @Test
  void theDeathOfTheProcessFailsEveryPendingRequestWithItsStatusAndStderr() throws Exception {
    JsonRpcPeer peer = start(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> waiting = peer.request("silent", null);
    CompletableFuture<JsonNode> fatal = peer.request("die", null);

    for (CompletableFuture<JsonNode> future : List.of(waiting, fatal)) {
      assertThat(failure(future)).isInstanceOfSatisfying(AgentException.class, e -> {
        assertThat(e.kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED);
        assertThat(e.getMessage()).isEqualTo("the fake agent exited with status 7: fatal: told to die");
      });
    }
    context.awaitExits(1, Duration.ofSeconds(20));
    assertThat(exits).singleElement().satisfies(status -> assertThat(status.exitCode()).isEqualTo(7));
    assertThat(peer.isOpen()).isFalse();
    assertThat(peer.pendingRequests()).isZero();
  }

  @Test
  void aRequestOfTheAgentIsAnsweredWhenItsHandlerCompletesLater() throws Exception {
    JsonRpcPeer peer = start(JsonRpcPeer.builder());
    CompletableFuture<JsonNode> ask = peer.request("ask", null);
    awaitTrue("the agent asked", () -> !asked.isEmpty());

    assertThat(asked.get(0).params().path("threadId").asText()).isEqualTo("t1");
    assertThat(ask).isNotDone();
    approval.complete(JSON.createObjectNode().put("decision", "accept"));

    assertThat(ask.get(20, TimeUnit.SECONDS).path("answer")).isEqualTo(JSON.readTree(
        "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"result\":{\"decision\":\"accept\"}}"));
  }

  @Test
  void aRequestNoHandlerTakesIsRefusedInsteadOfLeftWaiting() throws Exception {
    JsonRpcPeer peer = start(JsonRpcPeer.builder());
    JsonNode answer = peer.call("unknown", null).path("answer");

    assertThat(answer).isEqualTo(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":77,\"error\":{\"code\":-32601,"
        + "\"message\":\"method not found: mystery/request\"}}"));
  }

  @Test
  void notificationsReachTheirHandlerAndGarbageTheUnparsedCallback() throws Exception {
    JsonRpcPeer peer = start(JsonRpcPeer.builder());
    assertThat(peer.call("chatter", null).asText()).isEqualTo("done");

    assertThat(progress).containsExactly("1", "2");
    assertThat(unparsed).containsExactly("fake agent ready", "this is not json");
  }
}
