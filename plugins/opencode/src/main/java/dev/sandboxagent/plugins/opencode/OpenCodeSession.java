package dev.sandboxagent.plugins.opencode;

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
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenCode session: a session of the shared server. Messages are {@code prompt_async} calls
 * (the turn's events arrive over the server's event stream and end with {@code session.idle});
 * permission and question replies go to their endpoints; terminating aborts the running turn, and
 * so does the host when the turn has gone silent ({@link #interruptTurn}).
 */
final class OpenCodeSession implements AgentSession, OpenCodeServer.Listener {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SessionContext context;
  private final OpenCodeServer server;
  private final String sessionId;
  private final OpenCodeTranslator translator;
  private volatile boolean closed;
  /** Whether a turn runs, which a server exit cuts short: guarded by turnLock. */
  private final Object turnLock = new Object();
  private boolean turnRunning;

  private OpenCodeSession(SessionContext context, OpenCodeServer server, String sessionId) {
    this.context = context;
    this.server = server;
    this.sessionId = sessionId;
    this.translator = new OpenCodeTranslator(context.sessionId() + "_");
  }

  /**
   * A session on the scope's server, which the host starts if needed: the session's own OpenCode
   * session again when the host reopens it after a restart and the server still has it, else a new
   * one.
   */
  static OpenCodeSession open(SessionContext context) {
    OpenCodeServer server = server(context);
    String id = null;
    String resume = context.resumeNativeSessionId();
    if (resume != null) {
      try {
        server.call("GET", "/session/" + resume, null);
        id = resume;
      } catch (AgentException e) {
        context.logger().log(System.Logger.Level.WARNING, "OpenCode no longer has session {0} ({1}); the session "
            + "goes on in a new one", resume, e.getMessage());
      }
    }
    if (id != null) {
      OpenCodeSession session = new OpenCodeSession(context, server, id);
      server.register(id, session);
      return session;
    }
    JsonNode created = server.call("POST", "/session", JSON.createObjectNode());
    id = created == null ? null : created.path("id").asText(null);
    if (id == null) {
      throw new AgentException(AgentException.Kind.BAD_OUTPUT, "OpenCode session response missing id: " + created);
    }
    OpenCodeSession session = new OpenCodeSession(context, server, id);
    server.register(id, session);
    return session;
  }

  private static OpenCodeServer server(SessionContext context) {
    return context.sharedServer(OpenCodeServer.class, OpenCodeServer::new);
  }

  /** The {@code prompt_async} body: the text, the agent mode, and {@code provider/model} when set. */
  static ObjectNode promptBody(String message, String agentMode, String model, String variant) {
    return promptBody(message, List.of(), agentMode, model, variant);
  }

  /**
   * The body of {@code prompt_async}: the text part, then a file part per attachment (see {@link
   * #url}); OpenCode reads a file given by a {@code file:} URL itself, a text file as its Read tool does.
   */
  static ObjectNode promptBody(
      String message, List<Attachment> attachments, String agentMode, String model, String variant) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode parts = body.putArray("parts");
    parts.addObject().put("type", "text").put("text", message);
    for (Attachment attachment : attachments) {
      parts.addObject().put("type", "file").put("mime", attachment.mimeType()).put("url", url(attachment))
          .put("filename", attachment.name());
    }
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

  /**
   * The URL of an attachment's file part: a {@code data:} URL for an image (OpenCode would replace
   * a {@code file:} URL of an image by one) and for inline content, else the file's {@code file:} URL.
   */
  static String url(Attachment attachment) {
    if (attachment.kind() == Attachment.Kind.IMAGE) {
      return attachment.dataUrl();
    }
    return attachment.path().map(p -> p.toUri().toString()).orElseGet(attachment::dataUrl);
  }

  @Override
  public void send(String message) {
    send(message, List.of());
  }

  /** As {@link #send(String)}, with each attachment as a file part, shown by its name in the log. */
  @Override
  public void send(String message, List<Attachment> attachments) {
    if (closed) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the session is closed");
    }
    server(context); // the same server, started again by the host if it has stopped
    synchronized (turnLock) {
      turnRunning = true;
    }
    if (!attachments.isEmpty()) {
      Map<String, ContentPart> shown = new LinkedHashMap<>();
      attachments.forEach(a -> shown.put(url(a), a.contentPart()));
      synchronized (translator) {
        translator.showFilesAs(shown);
      }
    }
    try {
      server.call("POST", "/session/" + sessionId + "/prompt_async",
          promptBody(message, attachments, context.agentMode(), context.model(), context.variant()));
    } catch (AgentException e) {
      // A server that refused the prompt runs no turn; one that died on it reports its exit.
      if (server.runsAfter(Duration.ofSeconds(1))) {
        synchronized (turnLock) {
          turnRunning = false;
        }
      }
      throw e;
    }
  }

  /** The turn went silent: the server stops it, and the session goes on. */
  @Override
  public void interruptTurn() {
    synchronized (turnLock) {
      turnRunning = false;
    }
    abort();
  }

  private void abort() {
    try {
      server.call("POST", "/session/" + sessionId + "/abort", null);
    } catch (AgentException e) {
      // the server may be gone; nothing is running then
    }
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
    synchronized (turnLock) {
      for (AgentEvent event : events) {
        if (event.data() instanceof EventData.ItemCompleted c && idle(c)) {
          turnRunning = false;
        }
      }
    }
    if (!events.isEmpty() && !closed) {
      context.events().emit(events);
    }
  }

  @Override
  public void serverExited(ExitStatus status) {
    boolean inTurn;
    synchronized (turnLock) {
      inTurn = turnRunning;
      turnRunning = false;
    }
    List<AgentEvent> events;
    synchronized (translator) {
      events = new ArrayList<>(translator.finish(status));
    }
    if (events.stream().noneMatch(e -> e.type() == EventType.ERROR)) {
      // a clean exit is still the end of the server under a running turn
      events.add(AgentEvent.synthetic(new EventData.Error("opencode server exited with status 0 in the middle of "
          + "the turn", "process_exit", null)).withNativeSessionId(sessionId));
    }
    // Only a session whose turn was cut short hears of it: an idle one uses the next server.
    if (!closed && inTurn) {
      context.events().emit(events);
    }
  }

  /** The {@code session.idle} status item: the end of the turn. */
  private static boolean idle(EventData.ItemCompleted completed) {
    return completed.item().kind() == ItemKind.STATUS && completed.item().content().stream()
        .anyMatch(p -> p instanceof ContentPart.Status s && s.label().equals("session.idle"));
  }

  @Override
  public void close() {
    synchronized (turnLock) {
      closed = true;
    }
    server.unregister(sessionId);
    abort();
  }
}
