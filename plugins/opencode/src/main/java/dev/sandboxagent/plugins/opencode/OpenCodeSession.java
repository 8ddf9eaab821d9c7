package dev.sandboxagent.plugins.opencode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.SessionContext;
import java.util.List;

/**
 * An OpenCode session: a session of the shared server. Messages are {@code prompt_async} calls
 * (the turn's events arrive over the server's event stream and end with {@code session.idle});
 * permission and question replies go to their endpoints; terminating aborts the running turn.
 */
final class OpenCodeSession implements AgentSession, OpenCodeServer.Listener {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SessionContext context;
  private final OpenCodeServer server;
  private final String sessionId;
  private final OpenCodeTranslator translator;
  private volatile boolean closed;

  private OpenCodeSession(SessionContext context, OpenCodeServer server, String sessionId) {
    this.context = context;
    this.server = server;
    this.sessionId = sessionId;
    this.translator = new OpenCodeTranslator(context.sessionId() + "_");
  }

  static OpenCodeSession open(SessionContext context, OpenCodeServer server) {
    server.ensure(context);
    JsonNode created = server.call("POST", "/session", JSON.createObjectNode());
    String id = created == null ? null : created.path("id").asText(null);
    if (id == null) {
      throw new AgentException(AgentException.Kind.BAD_OUTPUT, "OpenCode session response missing id: " + created);
    }
    OpenCodeSession session = new OpenCodeSession(context, server, id);
    server.register(id, session);
    return session;
  }

  /** The {@code prompt_async} body: the text, the agent mode, and {@code provider/model} when set. */
  static ObjectNode promptBody(String message, String agentMode, String model, String variant) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("parts").addObject().put("type", "text").put("text", message);
    if (agentMode != null && !agentMode.isBlank()) {
      body.put("agent", agentMode);
    }
    if (model != null && !model.isBlank()) {
      int slash = model.indexOf('/');
      ObjectNode m = body.putObject("model");
      if (slash > 0) {
        m.put("providerID", model.substring(0, slash)).put("modelID", model.substring(slash + 1));
      } else {
        m.put("modelID", model);
      }
    }
    if (variant != null && !variant.isBlank()) {
      body.put("variant", variant);
    }
    return body;
  }

  @Override
  public String nativeSessionId() {
    return sessionId;
  }

  @Override
  public void send(String message) {
    if (closed) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the session is closed");
    }
    server.ensure(context);
    server.call("POST", "/session/" + sessionId + "/prompt_async",
        promptBody(message, context.agentMode(), context.model(), context.variant()));
  }

  @Override
  public void replyPermission(PendingPermission permission, PermissionReply reply) {
    server.call("POST", "/permission/" + permission.permissionId() + "/reply",
        JSON.createObjectNode().put("reply", reply.wireName()));
  }

  @Override
  public void replyQuestion(PendingQuestion question, List<List<String>> answers) {
    ObjectNode body = JSON.createObjectNode();
    body.set("answers", JSON.valueToTree(answers));
    server.call("POST", "/question/" + question.questionId() + "/reply", body);
  }

  @Override
  public void rejectQuestion(PendingQuestion question) {
    server.call("POST", "/question/" + question.questionId() + "/reject", JSON.createObjectNode());
  }

  @Override
  public void event(String json) {
    List<AgentEvent> events;
    synchronized (translator) {
      events = translator.translate(json);
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
    server.unregister(sessionId);
    try {
      server.call("POST", "/session/" + sessionId + "/abort", null);
    } catch (AgentException e) {
      // the server may be gone; nothing is running then
    }
  }
}
