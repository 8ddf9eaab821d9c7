package dev.sandboxagent.host.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Problem bodies for the requests the web server rejects on its own: a request line, header, URI or
 * chunk it cannot parse, or a declared body over the limit. They keep the server's status and get
 * the same problem-details body as the API's own errors.
 *
 * <p>The web server reports these in two ways. Failures on the connection, before a request exists,
 * come with a message only; there an internal error is its HTTP parser failing on bytes it did not
 * expect (a request line without a method), which is the client's malformed request: 400. Failures
 * raised while a request is routed come with their exception; there an internal error stays a 500.
 */
final class ProtocolErrors implements DirectHandler {

  private static final System.Logger LOG = System.getLogger(ProtocolErrors.class.getName());

  private final Responses responses;
  private final long maxBodyBytes;

  ProtocolErrors(Responses responses, long maxBodyBytes) {
    this.responses = responses;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** This handler for every kind of event the web server answers by itself. */
  DirectHandlers directHandlers() {
    DirectHandlers.Builder builder = DirectHandlers.builder();
    for (EventType type : EventType.values()) {
      builder.addHandler(type, this);
    }
    return builder.build();
  }

  /** A failure on the connection, reported before or without a routed request. */
  @Override
  public TransportResponse handle(
      TransportRequest request, EventType type, Status status, ServerResponseHeaders headers, String message) {
    if (type == EventType.INTERNAL_ERROR) {
      LOG.log(System.Logger.Level.DEBUG, "rejected a request the HTTP parser could not read: {0} {1}",
          request.method(), request.path());
      return response(type, Status.BAD_REQUEST_400, headers, null);
    }
    return response(type, status, headers, null);
  }

  /**
   * A failure raised while a request was routed; a message marked safe becomes the detail, and a
   * failure that leaves the connection unusable (such as a broken request body) is answered with
   * {@code Connection: close}.
   */
  @Override
  public TransportResponse handle(
      TransportRequest request, EventType type, Status status, ServerResponseHeaders headers, Throwable thrown) {
    String detail = null;
    if (thrown instanceof RequestException e) {
      detail = e.safeMessage() ? e.getMessage() : null;
      if (!e.keepAlive()) {
        headers.set(HeaderValues.CONNECTION_CLOSE);
      }
    }
    return response(type, status, headers, detail);
  }

  private TransportResponse response(EventType type, Status status, ServerResponseHeaders headers, String detail) {
    headers.set(HeaderValues.CONTENT_TYPE_JSON);
    return TransportResponse.builder()
        .status(status)
        .headers(headers)
        .keepAlive(type.keepAlive())
        .entity(bytes(problem(status, detail)))
        .build();
  }

  private ObjectNode problem(Status status, String detail) {
    ApiException known = switch (status.code()) {
      case 400 -> ApiException.invalidRequest(detail != null ? detail : "the HTTP request is malformed");
      case 413 -> ApiException.payloadTooLarge(maxBodyBytes);
      default -> null;
    };
    if (known != null) {
      return responses.problem(known);
    }
    if (status.code() == 500) {
      return responses.internalError();
    }
    // Any other status the server chooses (URI too long, HTTP version not supported, …) is named after it.
    String reason = status.reasonPhrase();
    String code = reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return responses.problem(code, reason, status.code(), reason.toLowerCase(Locale.ROOT));
  }

  private byte[] bytes(ObjectNode problem) {
    try {
      return responses.mapper().writeValueAsBytes(problem);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
