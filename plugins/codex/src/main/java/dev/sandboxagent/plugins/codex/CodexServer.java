package dev.sandboxagent.plugins.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.api.SessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one {@code codex app-server} shared by every Codex session: JSON-RPC over its stdio (one
 * object per line, no {@code jsonrpc} member), requests with timeouts, notifications and server
 * requests routed to the session that owns their thread, unknown server requests answered with an
 * error rather than silence. Started on first use and again after a crash (the sessions that lost
 * it get an {@code error} and resume their thread on their next message).
 */
final class CodexServer {

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger(CodexServer.class.getName());

  /** What a session receives from the server. */
  interface Listener {
    /** A notification or server request about the listener's thread, raw and parsed. */
    void line(String line, JsonNode message);

    void serverExited(ExitStatus status);
  }

  private final Object lock = new Object();
  private final Map<String, Listener> threads = new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile AgentProcess process;
  private volatile long startedAt;
  private int starts;
  private volatile String lastError;
  private volatile boolean failed;
  private volatile int generation;

  /** The server's state for the agents listing. */
  ServerStatus status() {
    AgentProcess p = process;
    if (p != null && p.isAlive()) {
      return new ServerStatus("running", null, (System.nanoTime() - startedAt) / 1_000_000, Math.max(0, starts - 1),
          lastError);
    }
    return new ServerStatus(failed ? "error" : "stopped", null, null, Math.max(0, starts - 1), lastError);
  }

  /** Increments on every start, so that sessions can tell that they must resume their thread. */
  int generation() {
    return generation;
  }

  /** Starts the server if it is not running and completes the handshake. */
  void ensure(SessionContext context) {
    synchronized (lock) {
      if (process != null && process.isAlive()) {
        return;
      }
      Path binary = context.binary();
      if (binary == null) {
        throw new AgentException(AgentException.Kind.NOT_INSTALLED, "codex is not installed");
      }
      Map<String, String> env = new LinkedHashMap<>();
      env.put("CODEX_HOME", codexHome(context).toString());
      ids.set(0);
      generation++;
      starts++;
      startedAt = System.nanoTime();
      process = context.startSharedProcess(new ProcessSpec(List.of(binary.toString(), "app-server"), env, null),
          new ProcessListener() {
            @Override
            public void stdout(String line) {
              onLine(line);
            }

            @Override
            public void exited(ExitStatus status) {
              onExit(status);
            }
          });
      ObjectNode clientInfo = JSON.createObjectNode();
      clientInfo.putObject("clientInfo").put("name", "sandbox-agent").put("title", "sandbox-agent")
          .put("version", "0.1.0");
      try {
        request("initialize", clientInfo);
      } catch (AgentException e) {
        process.stop();
        throw e;
      }
      write(JSON.createObjectNode().put("method", "initialized"));
      failed = false;
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

  /** Sends a request; the future completes with its result or fails with its error. */
  CompletableFuture<JsonNode> send(String method, JsonNode params) {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    try {
      write(message);
    } catch (AgentException e) {
      pending.remove(id);
      throw e;
    }
    return result.orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, e) -> pending.remove(id));
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

  /** Answers a request the server made. */
  void respond(JsonNode id, JsonNode result) {
    ObjectNode message = JSON.createObjectNode();
    message.set("id", id);
    message.set("result", result);
    write(message);
  }

  private void write(JsonNode message) {
    AgentProcess p = process;
    if (p == null || !p.isAlive()) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the codex app-server is not running");
    }
    p.writeLine(message.toString());
  }

  private void onLine(String line) {
    JsonNode message;
    try {
      message = JSON.readTree(line);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "codex app-server wrote a line that is not JSON: {0}", line);
      return;
    }
    if (message == null || !message.isObject()) {
      return;
    }
    boolean hasMethod = message.hasNonNull("method");
    if (!hasMethod && message.has("id")) {
      CompletableFuture<JsonNode> future = pending.get(message.path("id").asLong(-1));
      if (future != null) {
        if (message.has("error")) {
          future.completeExceptionally(new IllegalStateException(message.get("error").path("message").asText(
              message.get("error").toString())));
        } else {
          future.complete(message.path("result"));
        }
      }
      return;
    }
    String thread = threadOf(message.path("params"));
    Listener listener = thread == null ? null : threads.get(thread);
    if (listener != null) {
      listener.line(line, message);
    } else if (message.has("id") && hasMethod) {
      // Nobody can answer it: say so instead of leaving the server waiting.
      ObjectNode error = JSON.createObjectNode();
      error.set("id", message.get("id"));
      error.putObject("error").put("code", -32601).put("message", "unsupported request: "
          + message.get("method").asText());
      try {
        write(error);
      } catch (AgentException e) {
        // the server is gone
      }
    }
  }

  private static String threadOf(JsonNode params) {
    for (JsonNode candidate : List.of(params.path("threadId"), params.path("thread").path("id"),
        params.path("conversationId"))) {
      if (candidate.isTextual()) {
        return candidate.asText();
      }
    }
    return null;
  }

  private void onExit(ExitStatus status) {
    failed = true;
    lastError = "agent server exited with " + (status.exitCode() != null ? "status " + status.exitCode()
        : "signal " + status.signal()) + (status.stderrTail().isBlank() ? "" : ": " + status.stderrTail().strip());
    pending.values().forEach(f -> f.completeExceptionally(new ServerExited(lastError)));
    for (Listener listener : threads.values()) {
      listener.serverExited(status);
    }
  }

  /** Why a request failed: the server went away (its sessions are told separately). */
  static final class ServerExited extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ServerExited(String message) {
      super(message);
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
   * {@code CODEX_HOME}: the user's when set, else a directory the daemon owns with a configuration
   * that switches update checks and analytics off and, when {@code SANDBOX_AGENT_CODEX_BASE_URL} is
   * set, points Codex at that OpenAI-compatible Responses API.
   */
  static Path codexHome(SessionContext context) {
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.putAll(context.environment());
    String own = env.get("CODEX_HOME");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_DATA_HOME");
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    String scope = context.sharingScope();
    // A tenant's server gets a home of its own and only the tenant's credentials, never the user's.
    Path dir = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".local", "share"))
        .resolve("sandbox-agent").resolve(scope.isEmpty() ? "codex-home" : "codex-home-" + scope);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.toml"), config(env));
      Path userAuth = Path.of(home, ".codex", "auth.json");
      if (scope.isEmpty() && Files.isRegularFile(userAuth) && !Files.exists(dir.resolve("auth.json"))) {
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
