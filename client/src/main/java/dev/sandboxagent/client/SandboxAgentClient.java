package dev.sandboxagent.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.UniversalEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of one daemon: a typed method per route of its API. Create one with
 * {@link SandboxAgent#connect(URI, String)} or {@link SandboxAgent#builder(URI)}; it is thread-safe,
 * and every call blocks its thread (cheaply on a virtual thread). Every refusal is a
 * {@link SandboxAgentException} carrying the problem body; a daemon that does not answer is a
 * {@link DaemonUnreachableException}. Closing a client of an embedded daemon stops that daemon.
 */
public final class SandboxAgentClient implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final URI endpoint;
  private final String token;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final AutoCloseable owned;
  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();

  SandboxAgentClient(URI endpoint, String token, Duration connectTimeout, Duration requestTimeout,
      AutoCloseable owned) {
    requireNonNull(endpoint, "endpoint is null");
    String base = endpoint.toString();
    this.endpoint = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.token = token;
    this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
    this.http = HttpClient.newBuilder().connectTimeout(requireNonNull(connectTimeout, "connectTimeout is null"))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    this.owned = owned;
  }

  /** The daemon's address, such as {@code http://127.0.0.1:2468}. */
  public URI endpoint() {
    return endpoint;
  }

  // ---- agents and plugins ----

  /** {@code GET /v1/health}. */
  public Health health() {
    return read(send(get("/v1/health"), 200), Health.class);
  }

  /** {@code GET /v1/agents}. */
  public AgentList agents() {
    return read(send(get("/v1/agents"), 200), AgentList.class);
  }

  /** {@code POST /v1/agents/{agent}/install}: installs the agent's program unless it is there. */
  public void installAgent(String agent, boolean reinstall) {
    send(post("/v1/agents/" + segment(agent) + "/install", installBody(reinstall)).build(), 204);
  }

  /** {@code POST /v1/agents/{agent}/install} with {@code Prefer: return=representation}: what it did. */
  public InstallReport installAgentWithReport(String agent, boolean reinstall) {
    HttpRequest request = post("/v1/agents/" + segment(agent) + "/install", installBody(reinstall))
        .header("Prefer", "return=representation").build();
    return read(send(request, 200), InstallReport.class);
  }

  private static Map<String, Object> installBody(boolean reinstall) {
    return reinstall ? Map.of("reinstall", true) : Map.of();
  }

  /** {@code GET /v1/agents/{agent}/modes}. */
  public List<AgentMode> agentModes(String agent) {
    JsonNode body = read(send(get("/v1/agents/" + segment(agent) + "/modes"), 200), JsonNode.class);
    return convert(body.get("modes"), new TypeReference<List<AgentMode>>() {});
  }

  /** {@code GET /v1/plugins}. */
  public PluginList plugins() {
    return read(send(get("/v1/plugins"), 200), PluginList.class);
  }

  /** {@code POST /v1/plugins/rescan}. */
  public RescanReport rescanPlugins() {
    return read(send(post("/v1/plugins/rescan", null).build(), 200), RescanReport.class);
  }

  // ---- sessions ----

  /** {@code POST /v1/sessions/{id}}. */
  public SessionCreated createSession(String sessionId, SessionOptions options) {
    requireNonNull(options, "options is null");
    return read(send(post(session(sessionId), options).build(), 200), SessionCreated.class);
  }

  /** {@code GET /v1/sessions}, newest first. */
  public List<SessionInfo> sessions() {
    JsonNode body = read(send(get("/v1/sessions"), 200), JsonNode.class);
    return convert(body.get("sessions"), new TypeReference<List<SessionInfo>>() {});
  }

  /** {@code POST /v1/sessions/{id}/messages}: sends a message; its events arrive in the session's log. */
  public void sendMessage(String sessionId, String message) {
    send(post(session(sessionId) + "/messages", Map.of("message", requireNonNull(message, "message is null")))
        .build(), 204);
  }

  /**
   * {@code POST /v1/sessions/{id}/messages/stream}: sends a message and returns the turn's events,
   * ending with its last one (a turn's completion, a request for permission or an answer, an error,
   * or the session's end). Close it to leave early.
   */
  public EventStream streamTurn(String sessionId, String message) {
    requireNonNull(message, "message is null");
    String path = session(sessionId) + "/messages/stream";
    EventStream.Connector connector = after -> open(post(path, Map.of("message", message)).build());
    return track(new EventStream(connector, false, 0, JSON, endpoint));
  }

  /** {@code POST /v1/sessions/{id}/terminate}: ends the session and stops its agent. */
  public void terminate(String sessionId) {
    send(post(session(sessionId) + "/terminate", null).build(), 204);
  }

  /**
   * {@code DELETE /v1/sessions/{id}}: terminates the session if it runs, and removes it and its
   * events from the daemon, its store included.
   */
  public void deleteSession(String sessionId) {
    send(request(session(sessionId)).DELETE().build(), 204);
  }

  // ---- events ----

  /** {@code GET /v1/sessions/{id}/events}: events after sequence {@code offset}, at most {@code limit}. */
  public EventPage events(String sessionId, long offset, int limit) {
    return events(sessionId, offset, limit, false);
  }

  /**
   * As {@link #events(String, long, int)}; with {@code includeRaw} each event keeps the agent's own
   * payload in {@code raw} (otherwise null).
   */
  public EventPage events(String sessionId, long offset, int limit, boolean includeRaw) {
    return read(send(get(session(sessionId) + "/events?offset=" + offset + "&limit=" + limit
        + (includeRaw ? "&include_raw=true" : "")), 200), EventPage.class);
  }

  /** Every event of the session so far. */
  public List<UniversalEvent> allEvents(String sessionId) {
    return read(send(get(session(sessionId) + "/events"), 200), EventPage.class).events();
  }

  /**
   * {@code GET /v1/sessions/{id}/events/sse}: the session's events after sequence {@code offset}, then
   * live ones as they are recorded, until closed (the stream stays open after the session ends).
   * Dropped connections are resumed from the last delivered event.
   */
  public EventStream subscribe(String sessionId, long offset) {
    return subscribe(sessionId, offset, false);
  }

  /**
   * As {@link #subscribe(String, long)}; with {@code includeRaw} each event keeps the agent's own
   * payload in {@code raw} (otherwise null).
   */
  public EventStream subscribe(String sessionId, long offset, boolean includeRaw) {
    String path = session(sessionId) + "/events/sse?" + (includeRaw ? "include_raw=true&" : "") + "offset=";
    EventStream.Connector connector = after -> open(request(path + after)
        .header("Accept", "text/event-stream").header("Last-Event-ID", Long.toString(after)).GET().build());
    return track(new EventStream(connector, true, offset, JSON, endpoint));
  }

  private EventStream track(EventStream stream) {
    streams.add(stream);
    stream.onClose(() -> streams.remove(stream));
    try {
      return stream.open();
    } catch (RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  // ---- human in the loop ----

  /** {@code POST /v1/sessions/{id}/questions/{qid}/reply}: one list of chosen labels per question. */
  public void replyQuestion(String sessionId, String questionId, List<List<String>> answers) {
    send(post(session(sessionId) + "/questions/" + segment(questionId) + "/reply",
        Map.of("answers", requireNonNull(answers, "answers is null"))).build(), 204);
  }

  /** {@code POST /v1/sessions/{id}/questions/{qid}/reject}. */
  public void rejectQuestion(String sessionId, String questionId) {
    send(post(session(sessionId) + "/questions/" + segment(questionId) + "/reject", null).build(), 204);
  }

  /** {@code POST /v1/sessions/{id}/permissions/{pid}/reply}. */
  public void replyPermission(String sessionId, String permissionId, PermissionReply reply) {
    send(post(session(sessionId) + "/permissions/" + segment(permissionId) + "/reply",
        Map.of("reply", requireNonNull(reply, "reply is null"))).build(), 204);
  }

  // ---- turns ----

  /** {@link #runTurn(String, String, TurnHandler)} rejecting every request. */
  public TurnResult runTurn(String sessionId, String message) {
    return runTurn(sessionId, message, TurnHandler.REJECT_ALL);
  }

  /**
   * Sends a message and waits for the end of its turn. Permission requests and questions are answered
   * by {@code handler} as they arrive, and the turn is then followed on the session's live stream
   * until it ends: with a {@code turn.completed} or {@code session.idle} status item, an error, an
   * unparsed agent output, the session's end, or — for agents that do not close turns with status
   * items — a completed assistant message. To cancel a turn, {@link #terminate} its session from
   * another thread: the turn then ends with {@code session.ended}.
   */
  public TurnResult runTurn(String sessionId, String message, TurnHandler handler) {
    requireNonNull(handler, "handler is null");
    List<UniversalEvent> events = new ArrayList<>();
    boolean waiting = false;
    try (EventStream turn = streamTurn(sessionId, message)) {
      while (turn.hasNext()) {
        UniversalEvent event = turn.next();
        events.add(event);
        handler.onEvent(event);
        waiting = answer(sessionId, event, handler);
      }
    }
    if (events.isEmpty() || !waiting) {
      return TurnResult.of(events);
    }
    boolean statusTurns = allEvents(sessionId).stream().anyMatch(SandboxAgentClient::turnStatus);
    try (EventStream live = subscribe(sessionId, events.getLast().sequence())) {
      while (live.hasNext()) {
        UniversalEvent event = live.next();
        events.add(event);
        handler.onEvent(event);
        answer(sessionId, event, handler);
        if (endsFollowedTurn(event, statusTurns)) {
          break;
        }
      }
    }
    return TurnResult.of(events);
  }

  /** Answers a request; returns whether the event was one. */
  private boolean answer(String sessionId, UniversalEvent event, TurnHandler handler) {
    switch (event.data()) {
      case EventData.PermissionRequested p -> {
        replyPermission(sessionId, p.permissionId(), requireNonNull(handler.onPermission(p), "permission reply is null"));
        return true;
      }
      case EventData.QuestionRequested q -> {
        List<List<String>> answers = handler.onQuestion(q);
        if (answers == null) {
          rejectQuestion(sessionId, q.questionId());
        } else {
          replyQuestion(sessionId, q.questionId(), answers);
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private static boolean turnStatus(UniversalEvent event) {
    return statusLabel(event).filter(l -> l.equals("turn.started") || l.equals("turn.completed")).isPresent();
  }

  private static Optional<String> statusLabel(UniversalEvent event) {
    if (event.data() instanceof EventData.ItemCompleted c && c.item().kind() == ItemKind.STATUS) {
      return c.item().content().stream().filter(ContentPart.Status.class::isInstance)
          .map(p -> ((ContentPart.Status) p).label()).findFirst();
    }
    return Optional.empty();
  }

  private static boolean endsFollowedTurn(UniversalEvent event, boolean statusTurns) {
    return switch (event.data()) {
      case EventData.SessionEnded e -> true;
      case EventData.Error e -> true;
      case EventData.AgentUnparsed e -> true;
      case EventData.ItemCompleted c -> statusLabel(event)
          .map(l -> l.equals("turn.completed") || l.equals("session.idle"))
          .orElse(!statusTurns && c.item().kind() == ItemKind.MESSAGE && c.item().role() == ItemRole.ASSISTANT);
      default -> false;
    };
  }

  // ---- plumbing ----

  /**
   * Closes the client and its open event streams (their readers see the end of the iteration); for an
   * embedded daemon, stops it and every agent process it started.
   */
  @Override
  public void close() {
    for (EventStream stream : List.copyOf(streams)) {
      stream.close();
    }
    if (owned != null) {
      try {
        owned.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new SandboxAgentException("could not stop the embedded daemon: " + e.getMessage(), e);
      }
    }
    // Open event streams are aborted rather than waited for.
    http.shutdownNow();
  }

  private static String segment(String value) {
    requireNonNull(value, "path segment is null");
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String session(String sessionId) {
    return "/v1/sessions/" + segment(sessionId);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(requestTimeout);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest.Builder post(String path, Object body) {
    if (body == null) {
      return request(path).POST(HttpRequest.BodyPublishers.noBody());
    }
    try {
      return request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write the request body: " + e.getMessage(), e);
    }
  }

  private byte[] send(HttpRequest request, int success) {
    HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != success) {
      throw refusal(request, response.statusCode(), response.body());
    }
    return response.body();
  }

  /** Sends a streaming request; returns its body once the daemon has accepted it. */
  private InputStream open(HttpRequest request) throws IOException {
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxAgentException("interrupted while calling " + request.uri(), e);
    }
    if (response.statusCode() != 200) {
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readAllBytes();
      }
      throw refusal(request, response.statusCode(), body);
    }
    return response.body();
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (ConnectException | HttpConnectTimeoutException | ClosedChannelException e) {
      throw new DaemonUnreachableException(endpoint, e);
    } catch (IOException e) {
      if (e.getCause() instanceof ConnectException) {
        throw new DaemonUnreachableException(endpoint, e.getCause());
      }
      throw new SandboxAgentException(request.method() + " " + request.uri().getRawPath() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxAgentException("interrupted while calling " + request.uri(), e);
    }
  }

  private static SandboxAgentException refusal(HttpRequest request, int status, byte[] body) {
    Problem problem = null;
    if (body != null && body.length > 0) {
      try {
        problem = JSON.readValue(body, Problem.class);
      } catch (IOException e) {
        // not a problem body
      }
    }
    String what = request.method() + " " + request.uri().getRawPath() + " answered " + status;
    if (problem != null) {
      what += " " + problem.type() + (problem.detail() == null ? "" : ": " + problem.detail());
    }
    return new SandboxAgentException(what, status, problem);
  }

  private static <T> T read(byte[] body, Class<T> type) {
    try {
      return JSON.readValue(body, type);
    } catch (IOException e) {
      throw new SandboxAgentException("unreadable answer: " + e.getMessage(), e);
    }
  }

  private static <T> T convert(JsonNode node, TypeReference<T> type) {
    return JSON.convertValue(node, type);
  }
}
