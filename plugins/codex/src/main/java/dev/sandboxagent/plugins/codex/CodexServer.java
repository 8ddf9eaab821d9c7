package dev.sandboxagent.plugins.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.api.support.JsonRpcException;
import dev.sandboxagent.api.support.JsonRpcMessage;
import dev.sandboxagent.api.support.JsonRpcPeer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one {@code codex app-server} shared by every Codex session: a {@link JsonRpcPeer} over its
 * stdio (one object per line, no {@code jsonrpc} member) whose notifications and server requests
 * are routed to the session that owns their thread; a server request about no known thread is
 * answered with an error rather than silence. The host starts it on first use and again after a crash (the
 * sessions that lost it get an {@code error} and resume their thread on their next message).
 */
final class CodexServer implements SharedServer {

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger(CodexServer.class.getName());

  /** What a session receives from the server, on the server's output thread. */
  interface Listener {
    /** A notification about the listener's thread. */
    void notification(JsonRpcMessage notification);

    /** A server request about the listener's thread; the server gets the future's result. */
    CompletableFuture<JsonNode> request(JsonRpcMessage request);

    void serverExited(ExitStatus status);
  }

  private final Map<String, Listener> threads = new ConcurrentHashMap<>();
  private volatile JsonRpcPeer peer;
  private volatile AgentProcess process;
  private volatile String stopReason;
  private volatile int generation;

  @Override
  public boolean isRunning() {
    AgentProcess p = process;
    return p != null && p.isAlive();
  }

  @Override
  public String stopReason() {
    return stopReason;
  }

  /** Increments on every start, so that sessions can tell that they must resume their thread. */
  int generation() {
    return generation;
  }

  /** Starts the app-server and completes the handshake. */
  @Override
  public void start(SessionContext context) {
    Path binary = context.binary();
    if (binary == null) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED, "codex is not installed");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CODEX_HOME", codexHome(context).toString());
    generation++;
    stopReason = null;
    JsonRpcPeer started = JsonRpcPeer.builder()
        .name("the codex app-server")
        .jsonrpcMember(false)
        .requestTimeout(REQUEST_TIMEOUT)
        .onOtherNotifications(this::route)
        .onOtherRequests(this::routeRequest)
        .onUnparsed(line -> LOG.log(System.Logger.Level.WARNING, "codex app-server wrote a line that is not "
            + "JSON-RPC: {0}", line))
        .onExit(this::onExit)
        .build();
    process = started.start(listener -> context.startSharedProcess(
        new ProcessSpec(List.of(binary.toString(), "app-server"), env, null), listener));
    peer = started;
    ObjectNode clientInfo = JSON.createObjectNode();
    clientInfo.putObject("clientInfo").put("name", "sandbox-agent").put("title", "sandbox-agent")
        .put("version", "0.1.0");
    try {
      request("initialize", clientInfo);
      started.notify("initialized", null);
    } catch (AgentException e) {
      process.stop();
      throw e;
    }
  }

  /** Routes everything about {@code threadId} to {@code listener}. */
  void register(String threadId, Listener listener) {
    threads.put(threadId, listener);
  }

  void unregister(String threadId) {
    threads.remove(threadId);
  }

  /** Sends a request and waits for its result (at most {@link #REQUEST_TIMEOUT}). */
  JsonNode request(String method, JsonNode params) {
    return await(method, send(method, params));
  }

  /**
   * Sends a request; the future completes with its result or fails with its error (an {@link
   * AgentException} of kind {@code PROCESS_EXITED} when the server exits first).
   *
   * @throws AgentException of kind {@code PROCESS_EXITED} when the server is not running
   */
  CompletableFuture<JsonNode> send(String method, JsonNode params) {
    JsonRpcPeer p = peer;
    if (p == null) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the codex app-server is not running");
    }
    return p.request(method, params);
  }

  static JsonNode await(String method, CompletableFuture<JsonNode> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TimeoutException) {
        throw new AgentException(AgentException.Kind.STREAM_ERROR, method + " request timed out");
      }
      throw new AgentException(AgentException.Kind.STREAM_ERROR, method + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Kind.STREAM_ERROR, method + " interrupted", e);
    }
  }

  /** Whether a failed request failed because the server exited (its sessions are told separately). */
  static boolean serverExited(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof AgentException e && e.kind() == AgentException.Kind.PROCESS_EXITED;
  }

  private void route(JsonRpcMessage notification) {
    Listener listener = listenerOf(notification);
    if (listener != null) {
      listener.notification(notification);
    }
  }

  private CompletableFuture<JsonNode> routeRequest(JsonRpcMessage request) {
    Listener listener = listenerOf(request);
    if (listener == null) {
      // Nobody can answer it: say so instead of leaving the server waiting.
      throw new JsonRpcException(JsonRpcException.METHOD_NOT_FOUND, "unsupported request: " + request.method());
    }
    return listener.request(request);
  }

  private Listener listenerOf(JsonRpcMessage message) {
    JsonNode params = message.params();
    for (JsonNode candidate : List.of(params.path("threadId"), params.path("thread").path("id"),
        params.path("conversationId"))) {
      if (candidate.isTextual()) {
        return threads.get(candidate.asText());
      }
    }
    return null;
  }

  private void onExit(ExitStatus status) {
    stopReason = status.summary("agent server");
    for (Listener listener : threads.values()) {
      listener.serverExited(status);
    }
  }

  /** Stops the server (the daemon also stops it at shutdown). */
  void stop() {
    AgentProcess p = process;
    if (p != null) {
      p.stop();
    }
  }

  /**
   * {@code CODEX_HOME}: the user's when set, else {@code codex-home} in the host's state directory of
   * the sharing scope (so its threads outlive a restart of the daemon and no tenant sees another's),
   * with a configuration that switches update checks and analytics off and, when {@code
   * SANDBOX_AGENT_CODEX_BASE_URL} is set, points Codex at that OpenAI-compatible Responses API.
   * Without a tenant, the user's Codex login ({@code ~/.codex/auth.json}) is copied there once.
   */
  static Path codexHome(SessionContext context) {
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.putAll(context.environment());
    String own = env.get("CODEX_HOME");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    Path dir = context.stateDirectory().resolve("codex-home");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.toml"), config(env));
      Path userAuth = Path.of(home, ".codex", "auth.json");
      // A tenant's server gets only the tenant's credentials, never the user's.
      if (context.sharingScope().isEmpty() && Files.isRegularFile(userAuth) && !Files.exists(dir.resolve("auth.json"))) {
        Files.copy(userAuth, dir.resolve("auth.json"), StandardCopyOption.COPY_ATTRIBUTES);
      }
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "cannot prepare CODEX_HOME " + dir + ": "
          + e.getMessage(), e);
    }
    return dir;
  }

  static String config(Map<String, String> env) {
    StringBuilder toml = new StringBuilder();
    String baseUrl = env.get("SANDBOX_AGENT_CODEX_BASE_URL");
    String model = env.get("SANDBOX_AGENT_CODEX_MODEL");
    if (baseUrl != null && !baseUrl.isBlank()) {
      toml.append("model_provider = \"sandbox_agent\"\n");
    }
    if (model != null && !model.isBlank()) {
      toml.append("model = ").append(quote(model)).append('\n');
    }
    toml.append("check_for_update_on_startup = false\n\n[analytics]\nenabled = false\n");
    if (baseUrl != null && !baseUrl.isBlank()) {
      toml.append("\n[model_providers.sandbox_agent]\nname = \"sandbox-agent provider\"\nbase_url = ")
          .append(quote(baseUrl)).append("\nenv_key = \"OPENAI_API_KEY\"\nwire_api = \"responses\"\n");
    }
    return toml.toString();
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
