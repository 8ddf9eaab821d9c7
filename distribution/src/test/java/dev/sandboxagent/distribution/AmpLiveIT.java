package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Amp CLI, installed from the npm registry (once per run, by {@link LiveAgents}), through
 * the daemon without a reachable vendor service: each turn ends within seconds with Amp's own
 * message, and a turn stuck on an unanswering service stops at terminate; neither leaves a process
 * behind. Skipped when the registry cannot be reached or with {@code -DskipLive}.
 */
@Timeout(600)
class AmpLiveIT {

  static Path program;

  @TempDir Path work;

  @BeforeAll
  static void install() {
    program = LiveAgents.program("amp");
  }

  @Test
  void failsFastAndClearlyWithoutServiceOrLoginAndLeavesNothingRunning() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    Path home = Files.createDirectories(work.resolve("home"));
    Map<String, String> noKey = Map.of("HOME", home.toString(), "AMP_URL", "http://127.0.0.1:" + dead);
    Map<String, String> withKey = Map.of("HOME", home.toString(), "AMP_URL", "http://127.0.0.1:" + dead,
        "AMP_API_KEY", "sgamp_user_fake_0123456789");
    for (Map.Entry<String, Map<String, String>> scenario : Map.of("no-key", noKey, "with-key", withKey).entrySet()) {
      Path dir = Files.createDirectories(work.resolve(scenario.getKey()));
      MarkedProcesses marked = new MarkedProcesses();
      Map<String, String> env = new HashMap<>(scenario.getValue());
      env.putAll(marked.environment());
      Launcher daemon = Launcher.start(dir, "t", List.of("--agent-bin", "amp=" + program), env);
      try {
        daemon.post("/v1/sessions/live", "{\"agent\":\"amp\"}");
        long start = System.nanoTime();
        daemon.post("/v1/sessions/live/messages", "{\"message\":\"Say hello\"}");
        JsonNode error = awaitEnd(daemon, "live");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "LIVE amp %s: session.ended after %.2f s; error: %s%n", scenario.getKey(),
            seconds, error);
        assertThat(seconds).isLessThan(30);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(MarkedProcesses.awaitNone(() -> marked.runningExcept(daemon.process.pid()), LiveTerminate.GONE_WITHIN))
            .as("processes left after the turn ended").isEmpty();
      } finally {
        daemon.stop();
      }
      LiveTerminate.assertNothingLeft(marked);
    }
  }

  @Test
  void terminateWhileTheTurnWaitsOnItsServiceLeavesNothingRunning() throws Exception {
    MarkedProcesses marked = new MarkedProcesses();
    try (UnansweringService service = new UnansweringService()) {
      Map<String, String> env = new HashMap<>(marked.environment());
      env.put("HOME", Files.createDirectories(work.resolve("home")).toString());
      env.put("AMP_URL", service.baseUrl());
      env.put("AMP_API_KEY", "sgamp_user_fake_0123456789");
      Launcher daemon = Launcher.start(work, "t", List.of("--agent-bin", "amp=" + program), env);
      try {
        long daemonPid = daemon.process.pid();
        daemon.post("/v1/sessions/live", "{\"agent\":\"amp\"}");
        long start = System.nanoTime();
        assertThat(daemon.post("/v1/sessions/live/messages", "{\"message\":\"Say hello\"}").statusCode())
            .isEqualTo(204);
        awaitUntil(() -> !service.requests.all().isEmpty() && !marked.runningExcept(daemonPid).isEmpty(),
            Duration.ofSeconds(60), () -> "amp never called its service; processes: "
                + marked.runningExcept(daemonPid) + "; events: " + daemon.events("live"));
        List<MarkedProcesses.Proc> running = marked.runningExcept(daemonPid);
        long terminated = System.nanoTime();
        assertThat(daemon.post("/v1/sessions/live/terminate", "").statusCode()).isEqualTo(204);
        List<MarkedProcesses.Proc> left = MarkedProcesses.awaitNone(() -> marked.runningExcept(daemonPid),
            LiveTerminate.GONE_WITHIN);
        double gone = (System.nanoTime() - terminated) / 1e9;
        assertThat(left).as("amp processes left after terminate (were %s)", running).isEmpty();
        LiveTerminate.assertQuietAfter(service.requests, terminated, "amp: requests to its service after terminate");
        LiveTerminate.assertEndedLast(daemon, "live");
        System.out.printf(Locale.ROOT, "LIVE amp terminate: turn waiting on its service %.2f s after the message "
            + "(%s, %d processes), all gone %.2f s after terminate%n", (terminated - start) / 1e9,
            service.requests.all().get(0).line(), running.size(), gone);
      } finally {
        daemon.stop();
      }
      LiveTerminate.assertNothingLeft(marked);
    }
  }

  private static void awaitUntil(BooleanSupplier condition, Duration timeout, Supplier<String> failure) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(failure.get());
      }
      Thread.sleep(50);
    }
  }

  private static JsonNode awaitEnd(Launcher daemon, String id) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode events = Launcher.json(daemon.get("/v1/sessions/" + id + "/events")).get("events");
      if (events.size() > 0 && events.get(events.size() - 1).get("type").asText().equals("session.ended")) {
        return events.get(events.size() - 2).get("data");
      }
      Thread.sleep(100);
    }
    throw new AssertionError("session " + id + " did not end");
  }

  /** Amp's service on loopback that takes every request and never answers, so a turn waits on it. */
  private static final class UnansweringService implements AutoCloseable {

    final RequestLog requests = new RequestLog();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final HttpServer server;

    UnansweringService() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/", exchange -> {
        requests.record(exchange);
        try (exchange) {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      closed.countDown();
      server.stop(0);
    }
  }
}
