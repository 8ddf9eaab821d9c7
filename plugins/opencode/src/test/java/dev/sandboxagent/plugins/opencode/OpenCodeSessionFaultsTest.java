package dev.sandboxagent.plugins.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Turns of a stand-in {@code opencode serve} that go silent or end with the server: the turn ends
 * with an {@code error} (and a silent one is aborted), and only the session whose turn was cut
 * hears of an exit. The stand-in is a process that waits for an "exit" file and an HTTP server in
 * the test bound to the port the process was given.
 */
@Timeout(60)
class OpenCodeSessionFaultsTest {

  private static final String PROGRAM = """
      #!/bin/sh
      dir=$(dirname "$0")
      printf '%s\\n' "$*" > "$dir/args"
      while [ ! -f "$dir/exit" ]; do sleep 0.05; done
      exit 0
      """;

  @TempDir Path dir;
  private TestSessionContext first;
  private TestSessionContext second;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger sessions = new AtomicInteger();
  private volatile HttpServer http;
  private volatile Duration eventStreamDelay = Duration.ZERO;
  private volatile boolean eventStreamConnected;
  private Thread binder;

  @BeforeEach
  void start() throws IOException {
    Path program = dir.resolve("opencode");
    Files.writeString(program, PROGRAM);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    first = TestSessionContext.of("s1", program, dir, Map.of());
    second = TestSessionContext.of("s2", program, dir, Map.of()).sharingServersWith(first);
    binder = Thread.ofVirtual().start(this::serveOnTheGivenPort);
  }

  @AfterEach
  void stop() throws InterruptedException {
    first.close();
    second.close();
    binder.interrupt();
    binder.join();
    if (http != null) {
      http.stop(0);
    }
  }

  private void serveOnTheGivenPort() {
    try {
      Path args = dir.resolve("args");
      while (!Files.exists(args) || !Files.readString(args).endsWith("\n")) {
        Thread.sleep(20);
      }
      List<String> words = List.of(Files.readString(args).strip().split(" "));
      int port = Integer.parseInt(words.get(words.indexOf("--port") + 1));
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/", this::handle);
      server.start();
      http = server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(exchange.getRequestMethod() + " " + path);
    if (path.equals("/event")) {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        Thread.sleep(eventStreamDelay);
        eventStreamConnected = true;
        out.write("data: {\"type\":\"server.connected\",\"properties\":{}}\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(Duration.ofMinutes(5));
      } catch (InterruptedException | IOException e) {
        // the test is over
      }
      return;
    }
    if (path.endsWith("/prompt_async") && body.contains("exit")) {
      Files.writeString(dir.resolve("exit"), "");
    }
    String answer = exchange.getRequestMethod().equals("POST") && path.equals("/session")
        ? "{\"id\":\"ses_" + sessions.incrementAndGet() + "\"}" : path.equals("/session") ? "[]" : "true";
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Predicate<AgentEvent> error(String code) {
    return e -> e.data() instanceof EventData.Error error && code.equals(error.code());
  }

  /** The events of a prompt sent before the server's event stream is connected would be lost. */
  @Test
  void aSessionOpensOnlyOnceTheServersEventStreamIsConnected() throws Exception {
    eventStreamDelay = Duration.ofSeconds(7);
    OpenCodeSession session = OpenCodeSession.open(first);
    assertThat(eventStreamConnected).isTrue();
    session.close();
  }

  @Test
  void aTurnTheHostInterruptsIsAbortedOnTheServer() throws Exception {
    OpenCodeSession session = OpenCodeSession.open(first);
    session.send("Say hello.");
    session.interruptTurn();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!requests.contains("POST /session/ses_1/abort")) {
      assertThat(System.nanoTime()).as("the turn was aborted").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void anExitInTheMiddleOfATurnIsAnErrorForThatSessionOnly() throws Exception {
    OpenCodeSession.open(first);
    OpenCodeSession busy = OpenCodeSession.open(second);
    busy.send("exit");
    AgentEvent error = second.awaitEvent(error("process_exit"), Duration.ofSeconds(20));
    assertThat(((EventData.Error) error.data()).message()).isEqualTo("opencode server exited with status 0 in the middle of the turn");
    first.awaitExits(1, Duration.ofSeconds(20));
    assertThat(first.recorded()).isEmpty();
  }
}
