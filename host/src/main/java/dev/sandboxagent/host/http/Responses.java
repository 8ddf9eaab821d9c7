package dev.sandboxagent.host.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.UncheckedIOException;

/** Writes JSON bodies and problem details. */
final class Responses {

  private static final String ERROR_URN = "urn:sandbox-agent:error:";

  private final ObjectMapper mapper;

  Responses(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  void json(ServerResponse res, Object body) {
    try {
      json(res, mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void json(ServerResponse res, byte[] body) {
    res.header(HeaderValues.CONTENT_TYPE_JSON);
    res.send(body);
  }

  static void noContent(ServerResponse res) {
    res.status(Status.NO_CONTENT_204);
    res.send();
  }

  /** The problem-details body of an API error (sent as {@code application/json}). */
  ObjectNode problem(ApiException e) {
    ObjectNode body = problem(e.type().code(), e.type().title(), e.type().status(), e.detail());
    if (e.agent() != null) {
      body.put("agent", e.agent());
    }
    if (e.sessionId() != null) {
      body.put("sessionId", e.sessionId());
    }
    if (!e.details().isEmpty()) {
      body.set("details", mapper.valueToTree(e.details()));
    }
    return body;
  }

  /** A problem-details body without extension members; {@code code} is the URN's last part. */
  ObjectNode problem(String code, String title, int status, String detail) {
    ObjectNode body = mapper.createObjectNode();
    body.put("type", ERROR_URN + code);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    return body;
  }

  void problem(ServerResponse res, ApiException e) {
    res.status(e.type().status());
    json(res, problem(e));
  }

  /** The body of a 500 for a bug of the daemon itself; carries no internals. */
  ObjectNode internalError() {
    return problem("internal_error", "Internal Error", 500, "internal error: see the daemon log");
  }

  void internalError(ServerResponse res) {
    res.status(Status.INTERNAL_SERVER_ERROR_500);
    json(res, internalError());
  }
}
