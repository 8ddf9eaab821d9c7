package dev.sandboxagent.plugins.acp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.support.JsonRpcException;
import dev.sandboxagent.api.support.JsonRpcMessage;
import dev.sandboxagent.api.support.JsonRpcPeer;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A session of an ACP agent: one agent process, started when the session opens and again for the
 * next message after it has exited. Each process is initialized ({@code initialize}, no client file
 * system or terminal capabilities: agents use their own tools), then given the conversation: {@code
 * session/load} of the session's native id when the agent can load sessions, else {@code
 * session/new} in the session's working directory, and {@code session/set_mode} for the session's
 * mode. Every message is a {@code session/prompt}; the agent's {@code session/request_permission}
 * awaits the client's reply. Terminating the session cancels the turn ({@code session/cancel}),
 * answers pending permission requests {@code cancelled} and stops the process tree.
 *
 * <p>The host drives each process ({@link SessionContext#startAgentProcess}): its lines go to the
 * JSON-RPC peer (answers, requests) and, once the conversation is set up, to the {@link
 * AcpTranslator} (what a {@code session/load} replays is not recorded again).
 */
final class AcpSession implements AgentSession {

  /** The ACP version the daemon speaks. */
  static final int PROTOCOL_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Starting an agent may mean a first download by npm: generous. */
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(120);
  /** A turn lasts as long as it needs: the host's idle timeout ends a silent one. */
  private static final Duration TURN_TIMEOUT = Duration.ofDays(1);
  /** How long terminating waits for a cancelled turn to end before the process is stopped. */
  private static final Duration CANCEL_GRACE = Duration.ofSeconds(1);
  private static final List<String> ONCE = List.of("allow_once", "allow_always");
  private static final List<String> ALWAYS = List.of("allow_always", "allow_once");
  private static final List<String> REJECT = List.of("reject_once", "reject_always");

  private final SessionContext context;
  private final AcpAgentEntry entry;
  /** Native user message ids, unique over the session's life. */
  private final String idBase;
  // guarded by this
  private Connection connection;
  private int generation;
  private int userMessages;
  private volatile String sessionId;
  private volatile boolean closed;

  private AcpSession(SessionContext context, AcpAgentEntry entry) {
    this.context = context;
    this.entry = entry;
    this.idBase = "acp" + Long.toString(context.clock().millis(), 36) + "_";
  }

  /** Starts the agent and sets up the conversation. */
  static AcpSession open(SessionContext context, AcpAgentEntry entry) {
    AcpSession session = new AcpSession(context, entry);
    synchronized (session) {
      session.connect();
    }
    return session;
  }

  @Override
  public String nativeSessionId() {
    return sessionId;
  }

  @Override
  public void send(String message) {
    send(message, List.of());
  }

  /**
   * As {@link #send(String)}, with each attachment as a content block of the prompt: an image
   * block when the agent offers image input, a file as an embedded resource when the agent offers
   * embedded context, else as a resource link to the file; what the agent does not offer is refused
   * before anything is sent.
   */
  @Override
  public void send(String message, List<Attachment> attachments) {
    if (closed) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the session is closed");
    }
    Connection c;
    UniversalItem item;
    ArrayNode prompt = JSON.createArrayNode();
    synchronized (this) {
      if (connection == null || !connection.peer.isOpen()) {
        connect();
      }
      c = connection;
      prompt.addObject().put("type", "text").put("text", message);
      for (Attachment attachment : attachments) {
        prompt.add(block(attachment, c));
      }
      List<ContentPart> parts = new ArrayList<>();
      parts.add(new ContentPart.Text(message));
      attachments.forEach(a -> parts.add(a.contentPart()));
      item = UniversalItem.of(idBase + "user_" + (++userMessages), ItemKind.MESSAGE, ItemRole.USER,
          List.copyOf(parts), ItemStatus.IN_PROGRESS);
    }
    context.events().emit(List.of(
        AgentEvent.synthetic(new EventData.ItemStarted(item)).withNativeSessionId(sessionId),
        AgentEvent.synthetic(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED)))
            .withNativeSessionId(sessionId)));
    ObjectNode params = JSON.createObjectNode().put("sessionId", sessionId);
    params.set("prompt", prompt);
    // The answer (stop reason or error) reaches the translator as a line; an exit, through finish.
    CompletableFuture<JsonNode> turn = c.peer.request("session/prompt", params, TURN_TIMEOUT);
    c.turn = turn;
    turn.whenComplete((result, error) -> c.cancelPermissions());
  }

  /** The prompt content block of an attachment, as the connected agent can take it. */
  private ObjectNode block(Attachment attachment, Connection c) {
    ObjectNode block = JSON.createObjectNode();
    String uri = attachment.path().map(p -> p.toUri().toString()).orElse(attachment.name());
    if (attachment.kind() == Attachment.Kind.IMAGE) {
      if (!c.promptImage) {
        throw attachment.unsupported(entry.id(), entry.displayName() + " does not offer image input");
      }
      block.put("type", "image").put("mimeType", attachment.mimeType()).put("data", attachment.base64());
      attachment.path().ifPresent(p -> block.put("uri", uri));
      return block;
    }
    if (c.promptEmbeddedContext) {
      ObjectNode resource = block.put("type", "resource").putObject("resource")
          .put("uri", uri).put("mimeType", attachment.mimeType());
      attachment.text().ifPresentOrElse(text -> resource.put("text", text),
          () -> resource.put("blob", attachment.base64()));
      return block;
    }
    if (attachment.path().isEmpty()) {
      throw attachment.unsupported(entry.id(),
          entry.displayName() + " takes files only as links to files, not inline content");
    }
    return block.put("type", "resource_link").put("uri", uri).put("name", attachment.name())
        .put("mimeType", attachment.mimeType()).put("size", attachment.size());
  }

  /** Starts a process and sets up the conversation on it; on failure the process is stopped. */
  private void connect() {
    if (context.binary() == null) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED,
          entry.displayName() + " is not installed: " + entry.installHint());
    }
    Connection c = new Connection(idBase + (++generation) + "_");
    List<String> command = new ArrayList<>();
    command.add(context.binary().toString());
    command.addAll(entry.args());
    context.startAgentProcess(new ProcessSpec(command, entry.env(), null), c);
    try {
      initialize(c);
      JsonNode modes = conversation(c);
      setMode(c, modes);
    } catch (RuntimeException e) {
      c.stop();
      throw e;
    }
    c.ready = true;
    connection = c;
  }

  private void initialize(Connection c) {
    ObjectNode params = JSON.createObjectNode().put("protocolVersion", PROTOCOL_VERSION);
    ObjectNode capabilities = params.putObject("clientCapabilities");
    capabilities.putObject("fs").put("readTextFile", false).put("writeTextFile", false);
    capabilities.put("terminal", false);
    params.putObject("clientInfo").put("name", "sandbox-agent").put("version", context.spiVersion());
    JsonNode result = c.peer.call("initialize", params);
    JsonNode version = result.path("protocolVersion");
    if (!version.isIntegralNumber() || version.asInt() != PROTOCOL_VERSION) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, entry.displayName()
          + " speaks ACP protocol version " + (version.isMissingNode() ? "(none)" : version.toString())
          + "; the daemon speaks version " + PROTOCOL_VERSION);
    }
    c.loadSession = result.path("agentCapabilities").path("loadSession").asBoolean(false);
    JsonNode prompt = result.path("agentCapabilities").path("promptCapabilities");
    c.promptImage = prompt.path("image").asBoolean(false);
    c.promptEmbeddedContext = prompt.path("embeddedContext").asBoolean(false);
  }

  /** Loads the session's conversation when there is one and the agent can, else starts one; returns the modes. */
  private JsonNode conversation(Connection c) {
    String previous = sessionId != null ? sessionId : context.nativeSessionId();
    ObjectNode params = JSON.createObjectNode();
    params.put("cwd", context.workingDirectory().toAbsolutePath().toString());
    params.putArray("mcpServers");
    if (previous != null && c.loadSession) {
      try {
        JsonNode result = c.peer.call("session/load", params.deepCopy().put("sessionId", previous));
        sessionId = previous;
        return result.path("modes");
      } catch (JsonRpcException e) {
        context.logger().log(Level.WARNING, "{0} cannot load session {1} ({2}); starting a new one",
            entry.displayName(), previous, e.getMessage());
      }
    }
    JsonNode result = c.peer.call("session/new", params);
    if (!result.path("sessionId").isTextual()) {
      throw new AgentException(AgentException.Kind.BAD_OUTPUT, entry.displayName() + " answered session/new "
          + "without a sessionId");
    }
    sessionId = result.get("sessionId").textValue();
    return result.path("modes");
  }

  /** Selects the session's ACP mode when the agent offers it and is not in it already. */
  private void setMode(Connection c, JsonNode modes) {
    String mode = entry.acpMode(context.agentMode(), context.permissionMode());
    if (mode == null || mode.equals(modes.path("currentModeId").asText(null))) {
      return;
    }
    boolean offered = false;
    for (JsonNode available : modes.path("availableModes")) {
      offered |= mode.equals(available.path("id").asText());
    }
    if (!offered) {
      context.logger().log(Level.WARNING, "{0} offers no mode {1}; it keeps its own", entry.displayName(), mode);
      return;
    }
    try {
      c.peer.call("session/set_mode", JSON.createObjectNode().put("sessionId", sessionId).put("modeId", mode));
    } catch (JsonRpcException e) {
      context.logger().log(Level.WARNING, "{0} refused mode {1}: {2}", entry.displayName(), mode, e.getMessage());
    }
  }

  @Override
  public void replyPermission(PendingPermission permission, PermissionReply reply) {
    Connection c;
    synchronized (this) {
      c = connection;
    }
    CompletableFuture<JsonNode> answer = c == null ? null : c.permissions.remove(permission.permissionId());
    if (answer == null) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the agent no longer awaits this reply");
    }
    JsonNode metadata = permission.metadata() instanceof JsonNode node ? node : JSON.valueToTree(permission.metadata());
    String optionId = option(metadata.path("options"), reply);
    answer.complete(optionId == null ? cancelled() : selected(optionId));
  }

  /** The option answering {@code reply}: the one of its kind, else the closest offered; null for none. */
  static String option(JsonNode options, PermissionReply reply) {
    List<String> kinds = switch (reply) {
      case ONCE -> ONCE;
      case ALWAYS -> ALWAYS;
      case REJECT -> REJECT;
    };
    for (String kind : kinds) {
      for (JsonNode option : options) {
        if (kind.equals(option.path("kind").asText()) && option.path("optionId").isTextual()) {
          return option.get("optionId").textValue();
        }
      }
    }
    return null;
  }

  private static JsonNode selected(String optionId) {
    ObjectNode answer = JSON.createObjectNode();
    answer.putObject("outcome").put("outcome", "selected").put("optionId", optionId);
    return answer;
  }

  private static JsonNode cancelled() {
    ObjectNode answer = JSON.createObjectNode();
    answer.putObject("outcome").put("outcome", "cancelled");
    return answer;
  }

  /**
   * The turn went silent: the agent is asked to cancel it, and the process is forgotten, since the
   * host stops it; the next message starts a new one (which loads the conversation when the agent
   * can), rather than reaching the one on its way out.
   */
  @Override
  public void interruptTurn() {
    Connection c;
    synchronized (this) {
      c = connection;
      connection = null;
    }
    if (c != null) {
      c.cancel();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    synchronized (this) {
      c = connection;
    }
    if (c != null) {
      c.cancel();
      c.awaitTurn();
      c.stop();
    }
  }

  /** One agent process: its JSON-RPC peer, its translator and the permission requests it awaits answers to. */
  private final class Connection implements EventTranslator {
    final AcpTranslator translator;
    final JsonRpcPeer peer;
    final Map<String, CompletableFuture<JsonNode>> permissions = new ConcurrentHashMap<>();
    volatile boolean ready;
    volatile boolean loadSession;
    /** What the agent's prompts take besides text and resource links ({@code promptCapabilities}). */
    volatile boolean promptImage;
    volatile boolean promptEmbeddedContext;
    /** The latest {@code session/prompt}, or null. */
    volatile CompletableFuture<JsonNode> turn;
    private volatile AgentProcess process;

    Connection(String prefix) {
      this.translator = new AcpTranslator(prefix);
      this.peer = JsonRpcPeer.builder()
          .name(entry.displayName())
          .logger(context.logger())
          .requestTimeout(SETUP_TIMEOUT)
          .onRequest("session/request_permission", this::permission)
          .onUnparsed(line -> { }) // the translator reports it
          .build();
    }

    private CompletableFuture<JsonNode> permission(JsonRpcMessage request) {
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      String id = ready ? translator.permissionId(request.id()) : null;
      if (closed || id == null) {
        answer.complete(cancelled());
      } else {
        permissions.put(id, answer);
      }
      return answer;
    }

    @Override
    public void started(AgentProcess started) {
      process = started;
      peer.attach(started);
    }

    /** The translator first, which names a permission request before the peer hands it to {@link #permission}. */
    @Override
    public List<AgentEvent> translate(String line) {
      List<AgentEvent> events = ready ? translator.translate(line) : List.of();
      peer.stdout(line);
      return events;
    }

    @Override
    public List<AgentEvent> translateStderr(String line) {
      peer.stderr(line);
      return List.of();
    }

    /** The process has exited: what it awaited is forgotten; a crash is reported once it was set up. */
    @Override
    public List<AgentEvent> finish(ExitStatus status) {
      peer.exited(status);
      cancelPermissions();
      return ready && !closed ? translator.finish(status) : List.of();
    }

    /** Answers the pending permission requests {@code cancelled}. */
    void cancelPermissions() {
      for (String id : List.copyOf(permissions.keySet())) {
        CompletableFuture<JsonNode> answer = permissions.remove(id);
        if (answer != null) {
          answer.complete(cancelled());
        }
      }
    }

    /** Cancels the turn: pending permissions first (as ACP asks), then {@code session/cancel}. */
    void cancel() {
      cancelPermissions();
      if (sessionId != null && peer.isOpen()) {
        try {
          peer.notify("session/cancel", JSON.createObjectNode().put("sessionId", sessionId));
        } catch (AgentException e) {
          // the agent is gone, and the turn with it
        }
      }
    }

    /** Gives a cancelled turn a moment to end as ACP asks (stop reason {@code cancelled}). */
    void awaitTurn() {
      CompletableFuture<JsonNode> running = turn;
      if (running == null || running.isDone() || !peer.isOpen()) {
        return;
      }
      try {
        running.get(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // stopped all the same
      }
    }

    void stop() {
      AgentProcess p = process;
      if (p != null) {
        p.stop();
      }
    }
  }
}
