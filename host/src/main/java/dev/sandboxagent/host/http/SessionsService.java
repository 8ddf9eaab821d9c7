package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.event.Usage;
import dev.sandboxagent.host.session.MessageRequest;
import dev.sandboxagent.host.session.RecordedEvent;
import dev.sandboxagent.host.session.Session;
import dev.sandboxagent.host.session.SessionManager;
import dev.sandboxagent.host.session.SessionSettings;
import dev.sandboxagent.host.session.TurnRule;
import dev.sandboxagent.host.tenant.Tenant;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** {@code /v1/sessions}: lifecycle, messages, events, replies. */
final class SessionsService {

  private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");
  private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");

  private final SessionManager sessions;
  private final RequestBodies bodies;
  private final Responses responses;
  private final SseWriter sse;

  SessionsService(SessionManager sessions, RequestBodies bodies, Responses responses, SseWriter sse) {
    this.sessions = sessions;
    this.bodies = bodies;
    this.responses = responses;
    this.sse = sse;
  }

  void list(ServerRequest req, ServerResponse res) {
    ObjectNode body = responses.mapper().createObjectNode();
    ArrayNode list = body.putArray("sessions");
    for (Session session : sessions.list(AuthFilter.tenant(req))) {
      SessionSettings s = session.settings();
      ObjectNode entry = list.addObject()
          .put("sessionId", session.id())
          .put("agent", s.agent())
          .put("agentMode", s.agentMode())
          .put("permissionMode", s.permissionMode().wireName())
          .put("model", s.model())
          .put("variant", s.variant())
          .put("nativeSessionId", session.nativeSessionId())
          .put("ended", session.ending().isPresent())
          .put("eventCount", session.log().size());
      if (session.restored()) {
        entry.put("restored", true);
      }
      if (session.resumed()) {
        entry.put("resumed", true);
      }
      Usage usage = session.usage();
      if (!usage.isEmpty()) {
        entry.set("usage", responses.mapper().valueToTree(usage));
      }
    }
    responses.json(res, body);
  }

  void create(ServerRequest req, ServerResponse res) {
    String id = sessionId(req);
    var request = bodies.createSession(req);
    Session session = sessions.create(AuthFilter.tenant(req), id, request);
    ObjectNode body = responses.mapper().createObjectNode().put("healthy", true);
    String nativeId = session.nativeSessionId();
    if (nativeId != null) {
      body.put("nativeSessionId", nativeId);
    }
    responses.json(res, body);
  }

  void message(ServerRequest req, ServerResponse res) {
    MessageRequest message = bodies.message(req);
    String idempotencyKey = req.headers().value(IDEMPOTENCY_KEY).orElse(null);
    sessions.send(AuthFilter.tenant(req), sessionId(req), message, idempotencyKey);
    Responses.noContent(res);
  }

  void messageStream(ServerRequest req, ServerResponse res) {
    boolean includeRaw = includeRaw(req);
    MessageRequest message = bodies.message(req);
    Tenant tenant = AuthFilter.tenant(req);
    Session session = sessions.get(tenant, sessionId(req));
    long from = sessions.startTurn(tenant, session.id(), message);
    TurnRule rule = session.turnRule();
    sse.turn(res, session.log(), from, includeRaw, e -> rule.endsStream(e.event().data()));
  }

  void terminate(ServerRequest req, ServerResponse res) {
    sessions.terminate(AuthFilter.tenant(req), sessionId(req));
    Responses.noContent(res);
  }

  void delete(ServerRequest req, ServerResponse res) {
    sessions.delete(AuthFilter.tenant(req), sessionId(req));
    Responses.noContent(res);
  }

  void events(ServerRequest req, ServerResponse res) {
    Session session = sessions.get(AuthFilter.tenant(req), sessionId(req));
    long offset = query(req, "offset").map(v -> RequestBodies.unsignedQuery("offset", v)).orElse(0L);
    Optional<Long> limit = query(req, "limit").map(v -> RequestBodies.unsignedQuery("limit", v));
    boolean includeRaw = includeRaw(req);
    List<RecordedEvent> events =
        session.log().after(offset, limit.map(l -> l == Long.MAX_VALUE ? l : l + 1).orElse(Long.MAX_VALUE));
    boolean hasMore = limit.isPresent() && events.size() > limit.get();
    if (hasMore) {
      events = events.subList(0, (int) (long) limit.get());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + events.size() * 512);
    out.writeBytes("{\"events\":[".getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(events.get(i).json(includeRaw));
    }
    out.writeBytes(("],\"hasMore\":" + hasMore + "}").getBytes(StandardCharsets.US_ASCII));
    Responses.json(res, out.toByteArray());
  }

  void eventsSse(ServerRequest req, ServerResponse res) {
    Session session = sessions.get(AuthFilter.tenant(req), sessionId(req));
    long offset = query(req, "offset").map(v -> RequestBodies.unsignedQuery("offset", v)).orElse(0L);
    boolean includeRaw = includeRaw(req);
    Optional<String> lastEventId = req.headers().value(LAST_EVENT_ID).map(String::strip);
    if (lastEventId.isPresent() && !lastEventId.get().isEmpty()) {
      offset = Math.max(offset, RequestBodies.unsignedQuery("Last-Event-ID", lastEventId.get()));
    }
    sse.follow(res, req.prologue().method().equals(Method.HEAD), session.log(), offset, includeRaw);
  }

  void replyQuestion(ServerRequest req, ServerResponse res) {
    List<List<String>> answers = bodies.answers(req);
    sessions.replyQuestion(AuthFilter.tenant(req), sessionId(req), req.path().pathParameters().get("questionId"), answers);
    Responses.noContent(res);
  }

  void rejectQuestion(ServerRequest req, ServerResponse res) {
    sessions.rejectQuestion(AuthFilter.tenant(req), sessionId(req), req.path().pathParameters().get("questionId"));
    Responses.noContent(res);
  }

  void replyPermission(ServerRequest req, ServerResponse res) {
    var reply = bodies.permissionReply(req);
    sessions.replyPermission(AuthFilter.tenant(req), sessionId(req), req.path().pathParameters().get("permissionId"), reply);
    Responses.noContent(res);
  }

  private static String sessionId(ServerRequest req) {
    return req.path().pathParameters().get("sessionId");
  }

  private static Optional<String> query(ServerRequest req, String name) {
    return req.query().first(name).asOptional();
  }

  private static boolean includeRaw(ServerRequest req) {
    Optional<String> value = query(req, "include_raw").or(() -> query(req, "includeRaw"));
    return value.map(v -> RequestBodies.booleanQuery("include_raw", v)).orElse(false);
  }
}
