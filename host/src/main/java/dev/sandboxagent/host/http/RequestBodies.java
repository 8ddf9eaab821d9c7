package dev.sandboxagent.host.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.host.session.CreateSessionRequest;
import dev.sandboxagent.host.session.MessageRequest;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and validates JSON request bodies. Types are checked strictly (a number is not a string),
 * unknown fields are ignored, and an optional field sent as {@code null} counts as absent.
 */
final class RequestBodies {

  private final ObjectMapper mapper;
  private final long maxBytes;

  RequestBodies(ObjectMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  /** Reads a required JSON object body. */
  ObjectNode object(ServerRequest req) {
    String type = req.headers().value(HeaderNames.CONTENT_TYPE).orElse("");
    if (!isJson(type)) {
      throw ApiException.unsupportedMediaType();
    }
    byte[] body = readLimited(req);
    if (body.length == 0) {
      throw ApiException.invalidRequest("the body is empty");
    }
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.invalidRequest("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      // Nothing is read from outside here: an I/O error is bytes the parser cannot decode (such as a
      // character outside Unicode in a body it detected as UTF-32).
      throw ApiException.invalidRequest("the body is not valid JSON: " + e.getMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw ApiException.invalidRequest("the body is empty");
    }
    if (!node.isObject()) {
      throw ApiException.invalidBody("expected a JSON object");
    }
    return (ObjectNode) node;
  }

  static boolean isJson(String contentType) {
    String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }

  /**
   * The body, at most {@code maxBytes} of it. A client that goes away mid-body ends its connection
   * quietly: nobody is left to answer. A body whose chunked framing is broken ends its connection
   * after a 400, as the rest of the stream cannot be told apart from a next request; the stream is
   * not drained, which could wait forever on a client that sends nothing more. The web server's own
   * rejections of the body (a chunk over the limit, a bad last chunk) reach the client as it reports
   * them.
   */
  private byte[] readLimited(ServerRequest req) {
    long declared = req.headers().contentLength().orElse(-1);
    if (declared > maxBytes) {
      throw ApiException.payloadTooLarge(maxBytes);
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    byte[] bytes;
    try {
      // Read to the end (or one byte past the limit); the stream is not closed, which would drain it.
      // A declared length sizes the read, so that a small body does not cost a buffer of the limit's
      // chunk size (the stream ends at the declared length).
      long limit = declared >= 0 ? Math.min(declared, maxBytes) + 1 : maxBytes + 1;
      bytes = req.content().inputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit));
    } catch (IOException | UncheckedIOException | DataReader.InsufficientDataAvailableException e) {
      throw new CloseConnectionException("the client went away while sending the request body", e);
    } catch (IllegalArgumentException e) {
      // The chunked decoder reports a chunk size that is no hexadecimal number this way.
      throw RequestException.builder()
          .type(DirectHandler.EventType.BAD_REQUEST)
          .status(Status.BAD_REQUEST_400)
          .setKeepAlive(false)
          .message("the body's chunked encoding is malformed")
          .safeMessage(true)
          .cause(e)
          .build();
    }
    if (bytes.length > maxBytes) {
      throw ApiException.payloadTooLarge(maxBytes);
    }
    return bytes;
  }

  CreateSessionRequest createSession(ServerRequest req) {
    ObjectNode body = object(req);
    return new CreateSessionRequest(
        requiredString(body, "agent"),
        optionalString(body, "agentMode"),
        optionalString(body, "permissionMode"),
        optionalString(body, "model"),
        optionalString(body, "variant"),
        optionalString(body, "agentVersion"));
  }

  boolean reinstall(ServerRequest req) {
    JsonNode value = object(req).get("reinstall");
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw wrongType("reinstall", "a boolean");
    }
    return value.booleanValue();
  }

  /**
   * A message and its optional {@code attachments}: objects of {@code type} {@code image} or {@code
   * file}, each with a {@code path} or Base64 {@code data}, an optional {@code mimeType} and, for
   * data, an optional {@code name}.
   */
  MessageRequest message(ServerRequest req) {
    ObjectNode body = object(req);
    String text = requiredString(body, "message");
    JsonNode attachments = body.get("attachments");
    if (attachments == null || attachments.isNull()) {
      return MessageRequest.text(text);
    }
    if (!attachments.isArray()) {
      throw wrongType("attachments", "an array of objects");
    }
    List<MessageRequest.AttachmentRequest> requests = new ArrayList<>();
    for (int i = 0; i < attachments.size(); i++) {
      if (!(attachments.get(i) instanceof ObjectNode attachment)) {
        throw wrongType("attachments", "an array of objects");
      }
      String field = "attachments[" + i + "]";
      requests.add(new MessageRequest.AttachmentRequest(
          requiredString(attachment, "type", field + ".type"),
          optionalString(attachment, "path", field + ".path"),
          optionalString(attachment, "data", field + ".data"),
          optionalString(attachment, "mimeType", field + ".mimeType"),
          optionalString(attachment, "name", field + ".name")));
    }
    return new MessageRequest(text, requests);
  }

  List<List<String>> answers(ServerRequest req) {
    JsonNode answers = object(req).get("answers");
    if (answers == null || answers.isNull()) {
      throw missing("answers");
    }
    if (!answers.isArray()) {
      throw wrongType("answers", "an array of arrays of strings");
    }
    List<List<String>> result = new ArrayList<>();
    for (JsonNode group : answers) {
      if (!group.isArray()) {
        throw wrongType("answers", "an array of arrays of strings");
      }
      List<String> labels = new ArrayList<>();
      for (JsonNode label : group) {
        if (!label.isTextual()) {
          throw wrongType("answers", "an array of arrays of strings");
        }
        labels.add(label.textValue());
      }
      result.add(List.copyOf(labels));
    }
    return List.copyOf(result);
  }

  PermissionReply permissionReply(ServerRequest req) {
    String reply = requiredString(object(req), "reply");
    return switch (reply) {
      case "once" -> PermissionReply.ONCE;
      case "always" -> PermissionReply.ALWAYS;
      case "reject" -> PermissionReply.REJECT;
      default -> throw ApiException.invalidBody(
          "reply: unknown variant `" + reply + "`, expected one of `once`, `always`, `reject`");
    };
  }

  private static String requiredString(ObjectNode body, String field) {
    return requiredString(body, field, field);
  }

  /** The string {@code field} of {@code body}, named {@code shown} in errors. */
  private static String requiredString(ObjectNode body, String field, String shown) {
    String value = optionalString(body, field, shown);
    if (value == null) {
      throw missing(shown);
    }
    return value;
  }

  private static String optionalString(ObjectNode body, String field) {
    return optionalString(body, field, field);
  }

  private static String optionalString(ObjectNode body, String field, String shown) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw wrongType(shown, "a string");
    }
    return value.textValue();
  }

  private static ApiException missing(String field) {
    return ApiException.invalidBody("missing field `" + field + "`");
  }

  private static ApiException wrongType(String field, String expected) {
    return ApiException.invalidBody(field + ": expected " + expected);
  }

  /** Parses an unsigned integer query value ({@code 400} when it is not one). */
  static long unsignedQuery(String name, String value) {
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 0 || value.startsWith("+")) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.invalidRequest("invalid query parameter " + name + ": " + value);
    }
  }

  /** Parses a boolean query value, exactly {@code true} or {@code false}. */
  static boolean booleanQuery(String name, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiException.invalidRequest("invalid query parameter " + name + ": " + value);
    };
  }
}
