package dev.sandboxagent.plugins.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.EventData;
import java.util.List;

/**
 * A Codex session: a thread of the shared app-server. Messages are {@code turn/start} requests;
 * approval requests become permission requests answered with {@code accept}, {@code
 * acceptForSession} or {@code decline}. When the server has been restarted since the session last
 * used it, the thread is resumed first.
 */
final class CodexSession implements AgentSession, CodexServer.Listener {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PLAN_PREFIX = "Make a plan before acting.\n\n";

  private final SessionContext context;
  private final CodexServer server;
  private final String threadId;
  private final CodexTranslator translator;
  private int generation;
  private volatile boolean closed;

  private CodexSession(SessionContext context, CodexServer server, String threadId, int generation) {
    this.context = context;
    this.server = server;
    this.threadId = threadId;
    this.translator = new CodexTranslator(context.sessionId() + "_");
    this.generation = generation;
  }

  /** Starts the server if needed and a thread for the session. */
  static CodexSession open(SessionContext context, CodexServer server) {
    server.ensure(context);
    ObjectNode params = JSON.createObjectNode();
    threadPolicy(context.permissionMode(), params);
    if (context.model() != null && !context.model().isBlank()) {
      params.put("model", context.model());
    }
    params.put("cwd", context.workingDirectory().toString());
    JsonNode result = server.request("thread/start", params);
    String threadId = result.path("thread").path("id").asText(result.path("threadId").asText(null));
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
    if (closed) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the session is closed");
    }
    server.ensure(context);
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
    turnPolicy(context.permissionMode(), params);
    if (context.model() != null && !context.model().isBlank()) {
      params.put("model", context.model());
    }
    // The turn's events arrive as notifications; a refused turn is reported as an error event.
    server.send("turn/start", params).whenComplete((result, error) -> {
      Throwable cause = error != null && error.getCause() != null ? error.getCause() : error;
      if (error != null && !closed && !(cause instanceof CodexServer.ServerExited)) {
        context.events().emit(AgentEvent.synthetic(new EventData.Error(
            "Codex refused the turn: " + cause.getMessage(),
            "turn_failed", null)).withNativeSessionId(threadId));
      }
    });
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
    server.respond(id, JSON.createObjectNode().put("decision", decision));
  }

  @Override
  public void line(String line) {
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
    List<AgentEvent> events;
    synchronized (translator) {
      events = translator.finish(status.success() ? new ExitStatus(1, null, status.stderrTail()) : status);
    }
    if (!closed) {
      context.events().emit(events);
    }
  }

  @Override
  public void close() {
    closed = true;
    server.unregister(threadId);
  }
}
