package dev.sandboxagent.api.support;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One side of a JSON-RPC 2.0 conversation with an agent process over its stdio, one JSON object
 * per line: requests with ids and timeouts, notifications, and the other side's requests and
 * notifications dispatched to handlers. One peer per process: it is the process's {@link
 * ProcessListener} and writes with {@link AgentProcess#writeLine}.
 *
 * <pre>{@code
 * JsonRpcPeer peer = JsonRpcPeer.builder()
 *     .onNotification("session/update", n -> emit(translator.translate(n.line())))
 *     .onRequest("session/request_permission", r -> askTheUser(r.params()))
 *     .onUnparsed(line -> emit(translator.translate(line)))
 *     .onExit(status -> emit(translator.finish(status)))
 *     .build();
 * peer.start(listener -> context.startProcess(spec, listener));
 * JsonNode session = peer.call("session/new", params);
 * }</pre>
 *
 * <h2>Input</h2>
 *
 * <p>Tolerant of what agents write: the {@code jsonrpc} member may be missing, ids may be numbers
 * or strings, a response whose id matches no pending request is ignored (logged at debug), and a
 * line that is not a JSON object with a {@code method} or an {@code id} (not JSON, an array, a
 * banner) goes to the {@link Builder#onUnparsed unparsed} callback, for the plugin to report as
 * {@code agent.unparsed}. Batches are not supported.
 *
 * <h2>Output</h2>
 *
 * <p>Requests get ids 1, 2, 3… Every message carries {@code "jsonrpc":"2.0"} unless {@link
 * Builder#jsonrpcMember(boolean)} turns it off; {@code params} is left out when null. An incoming
 * request always gets an answer: its handler's result or error, {@link
 * JsonRpcException#METHOD_NOT_FOUND} when no handler takes the method, {@link
 * JsonRpcException#INTERNAL_ERROR} when the handler throws or fails with anything but a {@link
 * JsonRpcException}.
 *
 * <h2>Threads</h2>
 *
 * <p>Every method is safe to call from any thread. Incoming messages are dispatched on the host's
 * output thread of the process, one at a time and in order, and {@link Builder#onExit} runs there
 * after the last of them; handlers and callbacks must not block it (the next line waits): a request
 * handler that needs time, such as one asking the user for a permission, returns a future and
 * completes it later from any thread. A request's future completes on the output thread (answer,
 * exit) or on the JDK's shared timer thread ({@link CompletableFuture#orTimeout}, for the
 * timeout): its dependent stages must not block either. The peer keeps no thread of its own.
 *
 * @since 1.1
 */
public final class JsonRpcPeer implements ProcessListener {

  /** The request timeout unless the builder sets another. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Answers a request of the other side. */
  @FunctionalInterface
  public interface RequestHandler {
    /**
     * Handles {@code request} on the output thread without blocking.
     *
     * @return the future result; failing it (or throwing) with a {@link JsonRpcException} answers
     *     with that error, with anything else with an internal error
     */
    CompletableFuture<JsonNode> handle(JsonRpcMessage request);
  }

  /** Takes a notification of the other side. */
  @FunctionalInterface
  public interface NotificationHandler {
    /** Handles {@code notification} on the output thread without blocking. */
    void handle(JsonRpcMessage notification);
  }

  private final Map<String, RequestHandler> requestHandlers;
  private final Map<String, NotificationHandler> notificationHandlers;
  private final RequestHandler otherRequests;
  private final NotificationHandler otherNotifications;
  private final Consumer<String> unparsed;
  private final Consumer<String> stderr;
  private final Consumer<ExitStatus> exit;
  private final Duration timeout;
  private final boolean jsonrpcMember;
  private final String name;
  private final System.Logger log;

  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> early = new ArrayList<>();
  private volatile AgentProcess process;
  private volatile ExitStatus exited;

  private JsonRpcPeer(Builder builder) {
    this.requestHandlers = Map.copyOf(builder.requestHandlers);
    this.notificationHandlers = Map.copyOf(builder.notificationHandlers);
    this.otherRequests = builder.otherRequests;
    this.otherNotifications = builder.otherNotifications;
    this.stderr = builder.stderr;
    this.exit = builder.exit;
    this.timeout = builder.timeout;
    this.jsonrpcMember = builder.jsonrpcMember;
    this.name = builder.name;
    this.log = builder.log;
    this.unparsed = builder.unparsed != null ? builder.unparsed
        : line -> log.log(System.Logger.Level.WARNING, "{0} wrote a line that is not JSON-RPC: {1}", name, line);
  }

  /** A builder with the defaults: 30 s timeout, {@code jsonrpc} member written, no handlers. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a process with this peer as its listener and attaches to it, typically {@code
   * peer.start(listener -> context.startProcess(spec, listener))}.
   *
   * @return the started process
   */
  public AgentProcess start(Function<? super ProcessListener, AgentProcess> starter) {
    AgentProcess started = requireNonNull(starter.apply(this), "the starter returned no process");
    attach(started);
    return started;
  }

  /**
   * Attaches the process this peer listens to, once, for a peer passed as listener by hand. What
   * the peer wrote before (answers to early requests) is written now.
   */
  public void attach(AgentProcess process) {
    requireNonNull(process, "process is null");
    List<String> lines;
    synchronized (early) {
      if (this.process != null) {
        throw new IllegalStateException("a process is attached already");
      }
      this.process = process;
      lines = List.copyOf(early);
      early.clear();
    }
    for (String line : lines) {
      try {
        process.writeLine(line);
      } catch (AgentException e) {
        log.log(System.Logger.Level.DEBUG, "{0} exited before its answers were written", name);
        return;
      }
    }
  }

  /** Sends a request with the peer's timeout; see {@link #request(String, JsonNode, Duration)}. */
  public CompletableFuture<JsonNode> request(String method, JsonNode params) {
    return request(method, params, timeout);
  }

  /**
   * Sends a request. The future completes with the response's {@code result} (a null node when it
   * is null or missing), or fails with a {@link JsonRpcException} for an error response, an {@link
   * AgentException} of kind {@link AgentException.Kind#PROCESS_EXITED} when the process exits
   * first (its message says how, with its stderr tail), or a {@link TimeoutException} after {@code
   * timeout}. Cancelling the future forgets the request (a late answer is ignored).
   *
   * @param params the parameters, or null for none
   * @throws AgentException of kind {@link AgentException.Kind#PROCESS_EXITED} when the process has
   *     exited or its stdin is closed (nothing was sent)
   */
  public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
    requireNonNull(method, "method is null");
    requireNonNull(timeout, "timeout is null");
    String id = Long.toString(ids.incrementAndGet());
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    // CompletableFuture's own timer: cancelled when the request completes, no thread of ours.
    CompletableFuture<Void> timer = new CompletableFuture<Void>().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    timer.whenComplete((v, e) -> {
      if (e instanceof TimeoutException) {
        result.completeExceptionally(new TimeoutException(method + " got no answer from " + name + " within "
            + seconds(timeout)));
      }
    });
    result.whenComplete((r, e) -> {
      pending.remove(id);
      timer.cancel(false);
    });
    ObjectNode message = envelope();
    message.put("id", Long.parseLong(id));
    message.put("method", method);
    if (params != null) {
      message.set("params", params);
    }
    try {
      write(message);
    } catch (AgentException e) {
      result.cancel(false);
      throw e;
    }
    return result;
  }

  /**
   * Sends a request and waits for its result: the blocking form of {@link #request(String,
   * JsonNode)}, for a thread that may wait, never the output thread.
   *
   * @throws JsonRpcException for an error response
   * @throws AgentException of kind {@link AgentException.Kind#PROCESS_EXITED} when the process has
   *     exited, of kind {@link AgentException.Kind#STREAM_ERROR} on timeout or interruption (the
   *     interrupt flag is kept)
   */
  public JsonNode call(String method, JsonNode params) {
    CompletableFuture<JsonNode> future = request(method, params);
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof JsonRpcException error) {
        throw new JsonRpcException(error.code(), error.getMessage(), error.data());
      }
      if (cause instanceof AgentException error) {
        throw new AgentException(error.kind(), error.getMessage(), error);
      }
      throw new AgentException(AgentException.Kind.STREAM_ERROR, cause.getMessage(), cause);
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Kind.STREAM_ERROR, method + " was interrupted", e);
    }
  }

  /**
   * Sends a notification.
   *
   * @param params the parameters, or null for none
   * @throws AgentException of kind {@link AgentException.Kind#PROCESS_EXITED} when the process has
   *     exited or its stdin is closed
   */
  public void notify(String method, JsonNode params) {
    requireNonNull(method, "method is null");
    ObjectNode message = envelope();
    message.put("method", method);
    if (params != null) {
      message.set("params", params);
    }
    write(message);
  }

  /** The number of requests awaiting an answer. */
  public int pendingRequests() {
    return pending.size();
  }

  /** Whether the attached process has not exited yet (as far as its output tells). */
  public boolean isOpen() {
    AgentProcess p = process;
    return exited == null && (p == null || p.isAlive());
  }

  /** Dispatches one line of the process's stdout; called by the host. */
  @Override
  public void stdout(String line) {
    JsonNode message;
    try {
      message = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      message = null;
    }
    if (message == null || !message.isObject()) {
      unparsed(line);
      return;
    }
    JsonNode method = message.get("method");
    if (method != null && method.isTextual()) {
      if (message.has("id")) {
        answer(new JsonRpcMessage(line, message));
      } else {
        notification(new JsonRpcMessage(line, message));
      }
    } else if (method == null && message.has("id") && (message.has("result") || message.has("error"))) {
      response(message);
    } else {
      unparsed(line);
    }
  }

  /** Passes one line of the process's stderr to {@link Builder#onStderr}; called by the host. */
  @Override
  public void stderr(String line) {
    guarded("stderr callback", () -> stderr.accept(line));
  }

  /**
   * Fails every pending request and then calls {@link Builder#onExit}; called by the host once the
   * process has exited.
   */
  @Override
  public void exited(ExitStatus status) {
    exited = status;
    AgentException error = new AgentException(AgentException.Kind.PROCESS_EXITED, status.summary(name));
    for (CompletableFuture<JsonNode> future : List.copyOf(pending.values())) {
      future.completeExceptionally(error);
    }
    guarded("exit callback", () -> exit.accept(status));
  }

  private void response(JsonNode message) {
    JsonNode id = message.get("id");
    String key = id.isIntegralNumber() ? id.asText() : id.isTextual() ? id.textValue() : null;
    CompletableFuture<JsonNode> future = key == null ? null : pending.get(key);
    if (future == null) {
      log.log(System.Logger.Level.DEBUG, "{0} answered an unknown request: {1}", name, id);
      return;
    }
    JsonNode error = message.get("error");
    if (error != null && !error.isNull()) {
      future.completeExceptionally(new JsonRpcException(error.path("code").asInt(JsonRpcException.INTERNAL_ERROR),
          error.path("message").isTextual() ? error.path("message").textValue() : error.toString(),
          error.get("data")));
    } else {
      JsonNode result = message.get("result");
      future.complete(result == null ? NullNode.getInstance() : result);
    }
  }

  private void notification(JsonRpcMessage notification) {
    NotificationHandler handler = notificationHandlers.getOrDefault(notification.method(), otherNotifications);
    if (handler == null) {
      log.log(System.Logger.Level.DEBUG, "no handler for the notification {0} of {1}", notification.method(), name);
      return;
    }
    guarded("handler of " + notification.method(), () -> handler.handle(notification));
  }

  private void answer(JsonRpcMessage request) {
    RequestHandler handler = requestHandlers.getOrDefault(request.method(), otherRequests);
    CompletableFuture<JsonNode> result;
    if (handler == null) {
      result = CompletableFuture.failedFuture(new JsonRpcException(JsonRpcException.METHOD_NOT_FOUND,
          "method not found: " + request.method()));
    } else {
      try {
        result = requireNonNull(handler.handle(request), "the handler returned no future");
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
    }
    result.whenComplete((value, error) -> respond(request, value, error));
  }

  private void respond(JsonRpcMessage request, JsonNode result, Throwable error) {
    ObjectNode message = envelope();
    message.set("id", request.id());
    if (error == null) {
      message.set("result", result == null ? NullNode.getInstance() : result);
    } else {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      ObjectNode body = message.putObject("error");
      if (cause instanceof JsonRpcException rpc) {
        body.put("code", rpc.code()).put("message", rpc.getMessage());
        if (rpc.data() != null) {
          body.set("data", rpc.data());
        }
      } else {
        log.log(System.Logger.Level.WARNING, "the handler of " + request.method() + " failed", cause);
        body.put("code", JsonRpcException.INTERNAL_ERROR)
            .put("message", cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
      }
    }
    try {
      write(message);
    } catch (AgentException e) {
      log.log(System.Logger.Level.DEBUG, "{0} exited before the answer to {1}", name, request.method());
    }
  }

  private void unparsed(String line) {
    guarded("unparsed callback", () -> unparsed.accept(line));
  }

  private ObjectNode envelope() {
    ObjectNode message = JSON.createObjectNode();
    if (jsonrpcMember) {
      message.put("jsonrpc", "2.0");
    }
    return message;
  }

  private void write(ObjectNode message) {
    String line = message.toString();
    AgentProcess p = process;
    if (p == null) {
      synchronized (early) {
        p = process;
        if (p == null) {
          early.add(line);
          return;
        }
      }
    }
    if (exited != null || !p.isAlive()) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, name + " is not running");
    }
    p.writeLine(line);
  }

  /** Runs a plugin callback; what it throws is logged, so that the next line is still read. */
  private void guarded(String what, Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.log(System.Logger.Level.WARNING, "the " + what + " of " + name + " failed", e);
    }
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  /** Configures a {@link JsonRpcPeer}. Not thread-safe; a built peer does not change. */
  public static final class Builder {
    private final Map<String, RequestHandler> requestHandlers = new HashMap<>();
    private final Map<String, NotificationHandler> notificationHandlers = new HashMap<>();
    private RequestHandler otherRequests;
    private NotificationHandler otherNotifications;
    private Consumer<String> unparsed;
    private Consumer<String> stderr = line -> {};
    private Consumer<ExitStatus> exit = status -> {};
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean jsonrpcMember = true;
    private String name = "the agent";
    private System.Logger log = System.getLogger(JsonRpcPeer.class.getName());

    private Builder() {}

    /** Answers the other side's requests for {@code method} with {@code handler}. */
    public Builder onRequest(String method, RequestHandler handler) {
      requestHandlers.put(requireNonNull(method, "method is null"), requireNonNull(handler, "handler is null"));
      return this;
    }

    /**
     * Answers the requests no {@link #onRequest} handler takes. Without one they are answered with
     * {@link JsonRpcException#METHOD_NOT_FOUND}; a handler refuses one by throwing that.
     */
    public Builder onOtherRequests(RequestHandler handler) {
      otherRequests = requireNonNull(handler, "handler is null");
      return this;
    }

    /** Passes the other side's notifications of {@code method} to {@code handler}. */
    public Builder onNotification(String method, NotificationHandler handler) {
      notificationHandlers.put(requireNonNull(method, "method is null"), requireNonNull(handler, "handler is null"));
      return this;
    }

    /** Passes the notifications no {@link #onNotification} handler takes (else logged at debug). */
    public Builder onOtherNotifications(NotificationHandler handler) {
      otherNotifications = requireNonNull(handler, "handler is null");
      return this;
    }

    /**
     * Passes lines that are not JSON-RPC messages (not JSON, not an object, neither method nor
     * response), on the output thread. The default logs them as warnings.
     */
    public Builder onUnparsed(Consumer<String> callback) {
      unparsed = requireNonNull(callback, "callback is null");
      return this;
    }

    /** Passes the process's stderr lines, on a host thread. The default ignores them. */
    public Builder onStderr(Consumer<String> callback) {
      stderr = requireNonNull(callback, "callback is null");
      return this;
    }

    /**
     * Called once when the process has exited, after its last line and after the pending requests
     * have failed. The default does nothing.
     */
    public Builder onExit(Consumer<ExitStatus> callback) {
      exit = requireNonNull(callback, "callback is null");
      return this;
    }

    /** The timeout of requests that do not give their own; positive. */
    public Builder requestTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout is null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Whether messages carry {@code "jsonrpc":"2.0"} (the default). Off for agents that speak
     * JSON-RPC without it, such as {@code codex app-server}.
     */
    public Builder jsonrpcMember(boolean written) {
      jsonrpcMember = written;
      return this;
    }

    /** What messages and logs call the process, e.g. "the codex app-server"; "the agent" by default. */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name is null");
      return this;
    }

    /** The logger, e.g. the session context's; by default one named after this class. */
    public Builder logger(System.Logger logger) {
      log = requireNonNull(logger, "logger is null");
      return this;
    }

    /** The peer, ready to be started or attached. */
    public JsonRpcPeer build() {
      return new JsonRpcPeer(this);
    }
  }
}
