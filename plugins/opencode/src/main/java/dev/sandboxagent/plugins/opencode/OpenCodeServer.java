package dev.sandboxagent.plugins.opencode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.api.support.ServerSentEvents;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one {@code opencode serve} shared by every OpenCode session: started on a port the host picks
 * and verifies (it does not honour port 0), ready once it answers HTTP, one subscription to its
 * {@code /event} stream whose events are routed to sessions by OpenCode session id (events of no
 * session are dropped). After a crash the sessions get an {@code error} and the host starts a
 * new server on the next use.
 */
final class OpenCodeServer implements SharedServer {

  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger(OpenCodeServer.class.getName());

  /** What a session receives from the server. */
  interface Listener {
    void event(String json);

    void serverExited(ExitStatus status);
  }

  private final Map<String, Listener> sessions = new ConcurrentHashMap<>();
  // HTTP/1.1: the server does not answer an h2c upgrade of a request with a body.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private volatile AgentProcess process;
  private volatile String baseUrl;
  private volatile String stopReason;

  @Override
  public boolean isRunning() {
    AgentProcess p = process;
    return p != null && p.isAlive();
  }

  @Override
  public String url() {
    return baseUrl;
  }

  @Override
  public String stopReason() {
    return stopReason;
  }

  /**
   * OpenCode's {@code XDG_DATA_HOME}, where it stores its sessions: the host's state directory of
   * the sharing scope, so its sessions outlive a restart of the daemon and no tenant sees another's.
   * Without a tenant, the user's OpenCode login ({@code opencode/auth.json}) is copied there once.
   */
  static Path dataHome(SessionContext context) {
    Path home = context.stateDirectory().resolve("data");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(context.environment());
    String xdg = env.get("XDG_DATA_HOME");
    Path userAuth = (xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "share"))
        .resolve("opencode").resolve("auth.json");
    Path auth = home.resolve("opencode").resolve("auth.json");
    try {
      Files.createDirectories(auth.getParent());
      if (context.sharingScope().isEmpty() && Files.isRegularFile(userAuth) && !Files.exists(auth)) {
        Files.copy(userAuth, auth, StandardCopyOption.COPY_ATTRIBUTES);
      }
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "cannot prepare OpenCode's data directory " + home
          + ": " + e.getMessage(), e);
    }
    return home;
  }

  /** Starts {@code opencode serve} on a free port and waits until it answers and its events flow. */
  @Override
  public void start(SessionContext context) {
    if (context.binary() == null) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED, "opencode is not installed");
    }
    int port = freePort();
    String base = "http://127.0.0.1:" + port;
    Map<String, String> env = Map.of(
        "XDG_DATA_HOME", dataHome(context).toString(),
        "OPENCODE_DISABLE_AUTOUPDATE", "1",
        "OPENCODE_DISABLE_SHARE", "1",
        "OPENCODE_DISABLE_LSP_DOWNLOAD", "1",
        "OPENCODE_DISABLE_MODELS_FETCH", "1");
    stopReason = null;
    baseUrl = base;
    CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    AgentProcess started = context.startSharedProcess(new ProcessSpec(List.of(context.binary().toString(), "serve",
        "--hostname", "127.0.0.1", "--port", String.valueOf(port)), env, null), new ProcessListener() {
          @Override
          public void stdout(String line) {
            // the server's own log; events come over HTTP
          }

          @Override
          public void exited(ExitStatus status) {
            exited.complete(status);
            onExit(status);
          }
        });
    process = started;
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (exited.isDone()) {
        ExitStatus status = exited.join();
        throw new AgentException(AgentException.Kind.PROCESS_EXITED, "opencode serve exited before it was ready ("
            + status.describe() + (status.stderrTail().isBlank() ? "" : ": " + status.stderrTail().strip()) + ")");
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(base + "/session"))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 == 2) {
          // Ready once its events flow too: those of a prompt sent before would be lost.
          awaitConnected(subscribe(context, base, started), deadline, started);
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        started.stop();
        throw new AgentException(AgentException.Kind.STREAM_ERROR, "interrupted while starting opencode", e);
      }
      sleep(150);
    }
    started.stop();
    throw new AgentException(AgentException.Kind.STREAM_ERROR, "server health check failed: opencode serve did not "
        + "answer on " + base + " within " + READY_TIMEOUT.toSeconds() + " s");
  }

  /**
   * One subscription for all sessions, reconnected while the server lives (on a host thread of the
   * daemon's shared scope). The future completes with the first event (the server's {@code
   * server.connected}): events of a prompt sent before it would be lost.
   */
  private CompletableFuture<Void> subscribe(SessionContext context, String base, AgentProcess owner) {
    CompletableFuture<Void> connected = new CompletableFuture<>();
    ServerSentEvents.subscribe(context, "opencode-events", URI.create(base + "/event"),
        () -> owner.isAlive() && process == owner, event -> {
          connected.complete(null);
          route(event.data());
        });
    return connected;
  }

  private static void awaitConnected(CompletableFuture<Void> connected, long deadline, AgentProcess started) {
    try {
      connected.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      started.stop();
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "opencode serve answered but its event stream "
          + "did not connect within " + READY_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.stop();
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "interrupted while starting opencode", e);
    }
  }

  private void route(String json) {
    JsonNode event;
    try {
      event = JSON.readTree(json);
    } catch (IOException e) {
      return;
    }
    String session = sessionOf(event.path("properties"));
    Listener listener = session == null ? null : sessions.get(session);
    if (listener != null) {
      listener.event(json);
    }
  }

  /** The OpenCode session an event belongs to, wherever its type puts it. */
  static String sessionOf(JsonNode properties) {
    for (JsonNode candidate : List.of(properties.path("sessionID"), properties.path("info").path("sessionID"),
        properties.path("part").path("sessionID"), properties.path("info").path("id"))) {
      if (candidate.isTextual() && candidate.asText().startsWith("ses")) {
        return candidate.asText();
      }
    }
    return null;
  }

  /** Whether the server still runs after {@code grace}; returns as soon as it has exited. */
  boolean runsAfter(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    AgentProcess p = process;
    while (p != null && p.isAlive() && System.nanoTime() < deadline) {
      sleep(20);
    }
    return p != null && p.isAlive();
  }

  void register(String sessionId, Listener listener) {
    sessions.put(sessionId, listener);
  }

  void unregister(String sessionId) {
    sessions.remove(sessionId);
  }

  /** Sends a JSON request; returns the parsed answer (or null for an empty one). */
  JsonNode call(String method, String path, JsonNode body) {
    String base = baseUrl;
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.toString()));
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new AgentException(AgentException.Kind.STREAM_ERROR, "OpenCode " + method + " " + path + " failed "
            + response.statusCode() + ": " + response.body());
      }
      String text = response.body();
      return text == null || text.isBlank() ? null : JSON.readTree(text);
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "OpenCode " + method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "interrupted", e);
    }
  }

  private void onExit(ExitStatus status) {
    stopReason = status.summary("agent server");
    for (Listener listener : sessions.values()) {
      listener.serverExited(status);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "no available OpenCode port", e);
    }
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
