package dev.sandboxagent.plugins.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.support.JsonRpcException;
import dev.sandboxagent.api.support.JsonRpcMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Codex session: a thread of the shared app-server. Messages are {@code turn/start} requests;
 * approval requests become permission requests answered with {@code accept}, {@code
 * acceptForSession} or {@code decline}. When the server has been restarted since the session last
 * used it, the thread is resumed first.
 *
 * <p>The running turn is followed: its id (from the {@code turn/start} response or {@code
 * turn/started}) is kept until {@code turn/completed}; terminating the session interrupts it
 * ({@code turn/interrupt}, which also ends the commands it runs), and so does the host when the
 * turn has gone silent ({@link #interruptTurn}).
 */
final class CodexSession implements AgentSession, CodexServer.Listener {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PLAN_PREFIX = "Make a plan before acting.\n\n";

  private final SessionContext context;
  private final CodexServer server;
  private final String threadId;
  private final CodexTranslator translator;
  /** The server's approval requests awaiting a reply, by their JSON id. */
  private final Map<String, CompletableFuture<JsonNode>> approvals = new ConcurrentHashMap<>();
  private int generation;
  private volatile boolean closed;
  private final Object turnLock = new Object();
  // The running turn, guarded by turnLock.
  private boolean turnRunning;
  private String turnId;

  private CodexSession(SessionContext context, CodexServer server, String threadId, int generation) {
    this.context = context;
    this.server = server;
    this.threadId = threadId;
    this.translator = new CodexTranslator(context.sessionId() + "_");
    this.generation = generation;
  }

  /**
   * A thread for the session on the scope's app-server, which the host starts if needed: the
   * session's own thread again when the host reopens it after a restart ({@code thread/resume}),
   * else a new one.
   */
  static CodexSession open(SessionContext context) {
    CodexServer server = server(context);
    ObjectNode params = JSON.createObjectNode();
    threadPolicy(context.permissionMode(), params);
    if (context.model() != null && !context.model().isBlank()) {
      params.put("model", context.model());
    }
    params.put("cwd", context.workingDirectory().toString());
    String threadId = null;
    String resume = context.resumeNativeSessionId();
    if (resume != null) {
      try {
        threadId = threadIdOf(server.request("thread/resume", params.deepCopy().put("threadId", resume)), resume);
      } catch (AgentException e) {
        context.logger().log(System.Logger.Level.WARNING, "Codex could not resume thread {0} ({1}); the session "
            + "goes on in a new thread", resume, e.getMessage());
      }
    }
    if (threadId == null) {
      threadId = threadIdOf(server.request("thread/start", params), null);
    }
    if (threadId == null) {
      throw new AgentException(AgentException.Kind.BAD_OUTPUT, "thread/start response missing thread id");
    }
    CodexSession session = new CodexSession(context, server, threadId, server.generation());
    server.register(threadId, session);
    return session;
  }

  /** {@code approvalPolicy}/{@code sandbox} of {@code thread/start} for a permission mode. */
  static void threadPolicy(PermissionMode mode, ObjectNode params) {
    switch (mode) {
      case PLAN -> params.put("approvalPolicy", "untrusted").put("sandbox", "read-only");
      case BYPASS -> params.put("approvalPolicy", "never").put("sandbox", "danger-full-access");
      default -> { } // Codex's own defaults
    }
  }

  /** {@code approvalPolicy}/{@code sandboxPolicy} of {@code turn/start} for a permission mode. */
  static void turnPolicy(PermissionMode mode, ObjectNode params) {
    switch (mode) {
      case PLAN -> {
        params.put("approvalPolicy", "untrusted");
        params.putObject("sandboxPolicy").put("type", "readOnly");
      }
      case BYPASS -> {
        params.put("approvalPolicy", "never");
        params.putObject("sandboxPolicy").put("type", "dangerFullAccess");
      }
      default -> { }
    }
  }

  @Override
  public String nativeSessionId() {
    return threadId;
  }

  @Override
  public void send(String message) {
    send(message, List.of());
  }

  /**
   * As {@link #send(String)}, with each image as a {@code localImage} input item (its path) or an
   * {@code image} item (a data URL, for inline content), and each text file as a text item holding
   * its content; other files are refused. The user's item Codex echoes shows them by name.
   */
  @Override
  public void send(String message, List<Attachment> attachments) {
    ArrayNode input = JSON.createArrayNode();
    Map<String, ContentPart> shown = new LinkedHashMap<>();
    for (Attachment attachment : attachments) {
      ObjectNode item = input.addObject();
      if (attachment.kind() == Attachment.Kind.IMAGE && attachment.path().isPresent()) {
        item.put("type", "localImage").put("path", attachment.path().get().toString());
      } else if (attachment.kind() == Attachment.Kind.IMAGE) {
        item.put("type", "image").put("url", attachment.dataUrl());
      } else {
        String text = attachment.text()
            .orElseThrow(() -> attachment.unsupported("codex", "a file must be text"));
        item.put("type", "text").put("text", "Attached file " + attachment.name() + ":\n\n" + text)
            .putArray("text_elements");
      }
      shown.put(CodexTranslator.inputKey(item), attachment.contentPart());
    }
    if (closed) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the session is closed");
    }
    server(context); // the same server, started again by the host if it has stopped
    synchronized (this) {
      if (generation != server.generation()) {
        server.register(threadId, this);
        server.request("thread/resume", JSON.createObjectNode().put("threadId", threadId));
        generation = server.generation();
      }
    }
    ObjectNode params = JSON.createObjectNode();
    params.put("threadId", threadId);
    String text = "plan".equals(context.agentMode()) ? PLAN_PREFIX + message : message;
    params.putArray("input").addObject().put("type", "text").put("text", text).putArray("text_elements");
    params.withArray("input").addAll(input);
    synchronized (translator) {
      translator.showInputsAs(shown);
    }
    turnPolicy(context.permissionMode(), params);
    if (context.model() != null && !context.model().isBlank()) {
      params.put("model", context.model());
    }
    // The turn's events arrive as notifications; a refused turn is reported as an error event.
    synchronized (turnLock) {
      turnRunning = true;
      turnId = null;
    }
    try {
      server.send("turn/start", params).whenComplete((result, error) -> {
        if (error == null) {
          turnStarted(result.path("turn").path("id").asText(null));
          return;
        }
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        if (CodexServer.serverExited(cause)) {
          return; // the session hears of it through serverExited
        }
        turnEnded();
        if (!closed) {
          context.events().emit(AgentEvent.synthetic(new EventData.Error(
              "Codex refused the turn: " + cause.getMessage(),
              "turn_failed", null)).withNativeSessionId(threadId));
        }
      });
    } catch (AgentException e) {
      turnEnded();
      throw e;
    }
  }

  private void turnStarted(String id) {
    boolean closedBeforeId;
    synchronized (turnLock) {
      closedBeforeId = closed && turnRunning && turnId == null;
      if (turnRunning && id != null) {
        turnId = id;
      }
    }
    if (closedBeforeId && id != null) {
      interrupt(id);
    }
  }

  private void turnEnded() {
    synchronized (turnLock) {
      turnRunning = false;
      turnId = null;
    }
  }

  private static String threadIdOf(JsonNode result, String fallback) {
    return result.path("thread").path("id").asText(result.path("threadId").asText(fallback));
  }

  private static CodexServer server(SessionContext context) {
    return context.sharedServer(CodexServer.class, CodexServer::new);
  }

  /** The turn went silent: the server interrupts it, and the session goes on. */
  @Override
  public void interruptTurn() {
    String stalled;
    synchronized (turnLock) {
      stalled = turnRunning ? turnId : null;
    }
    if (stalled != null) {
      interrupt(stalled);
    }
  }

  /** Asks the server to end a turn and the commands it runs; does not wait for the answer. */
  private void interrupt(String id) {
    try {
      server.send("turn/interrupt", JSON.createObjectNode().put("threadId", threadId).put("turnId", id))
          .exceptionally(e -> null);
    } catch (AgentException e) {
      // the server is gone, and the turn with it
    }
  }

  @Override
  public void replyPermission(PendingPermission permission, PermissionReply reply) {
    JsonNode metadata = permission.metadata() instanceof JsonNode node ? node : JSON.valueToTree(permission.metadata());
    String kind = metadata.path("codexRequestKind").asText("");
    if (!kind.equals("commandExecution") && !kind.equals("fileChange")) {
      throw new AgentException(AgentException.Kind.UNSUPPORTED, "unsupported codex permission request");
    }
    JsonNode id = metadata.path("codexRequestId");
    if (!id.isIntegralNumber() && !id.isTextual()) {
      id = JSON.getNodeFactory().textNode(permission.permissionId());
    }
    String decision = switch (reply) {
      case ONCE -> "accept";
      case ALWAYS -> "acceptForSession";
      case REJECT -> "decline";
    };
    CompletableFuture<JsonNode> answer = approvals.remove(id.toString());
    if (answer == null) { // answered already, or asked by a server that has exited since
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the codex app-server no longer awaits this reply");
    }
    answer.complete(JSON.createObjectNode().put("decision", decision));
  }

  @Override
  public void notification(JsonRpcMessage notification) {
    received(notification.line(), notification.message());
  }

  /**
   * An approval request is answered when its permission is replied to; any other request (reported
   * as unparsed) is refused at once rather than left waiting.
   */
  @Override
  public CompletableFuture<JsonNode> request(JsonRpcMessage request) {
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    boolean approval = CodexTranslator.approvalKind(request.method()) != null;
    if (approval) {
      approvals.put(request.id().toString(), answer);
    } else {
      answer.completeExceptionally(new JsonRpcException(JsonRpcException.METHOD_NOT_FOUND,
          "unsupported request: " + request.method()));
    }
    received(request.line(), request.message());
    return answer;
  }

  private void received(String line, JsonNode message) {
    String method = message.path("method").asText("");
    synchronized (turnLock) {
      if (method.equals("turn/started") && turnRunning) {
        turnId = message.path("params").path("turn").path("id").asText(turnId);
      } else if (method.equals("turn/completed")) {
        turnRunning = false;
        turnId = null;
      }
    }
    List<AgentEvent> events;
    synchronized (translator) {
      events = translator.translate(line);
    }
    if (!events.isEmpty() && !closed) {
      context.events().emit(events);
    }
  }

  @Override
  public void serverExited(ExitStatus status) {
    approvals.clear(); // asked by a server that is gone
    boolean inTurn;
    synchronized (turnLock) {
      inTurn = turnRunning;
      turnRunning = false;
      turnId = null;
    }
    List<AgentEvent> events;
    synchronized (translator) {
      events = new ArrayList<>(translator.finish(status));
    }
    if (events.stream().noneMatch(e -> e.type() == EventType.ERROR)) {
      // a clean exit is still the end of the server under a running turn
      events.add(AgentEvent.synthetic(new EventData.Error("codex app-server exited with status 0 in the middle of "
          + "the turn", "process_exit", null)).withNativeSessionId(threadId));
    }
    // Only a session whose turn was cut short hears of it: an idle one resumes its thread later.
    if (!closed && inTurn) {
      context.events().emit(events);
    }
  }

  /** Interrupts the running turn (without waiting) and stops listening to the thread. */
  @Override
  public void close() {
    String running;
    synchronized (turnLock) {
      closed = true;
      running = turnRunning ? turnId : null;
    }
    if (running != null) {
      interrupt(running);
    }
    server.unregister(threadId);
  }
}
