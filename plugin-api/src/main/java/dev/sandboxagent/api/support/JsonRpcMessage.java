package dev.sandboxagent.api.support;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A request or notification received by a {@link JsonRpcPeer}: the line as the process wrote it
 * (for a translator that reads native lines) and its parsed form.
 *
 * @param line the line, without its terminator
 * @param message the parsed line, a JSON object with a textual {@code method}
 * @since 1.1
 */
public record JsonRpcMessage(String line, JsonNode message) {

  /** Validates the message. */
  public JsonRpcMessage {
    requireNonNull(line, "line is null");
    requireNonNull(message, "message is null");
    if (!message.path("method").isTextual()) {
      throw new IllegalArgumentException("message has no textual method");
    }
  }

  /** The method. */
  public String method() {
    return message.get("method").textValue();
  }

  /** The parameters; a missing node (whose {@code path} calls work) when there are none. */
  public JsonNode params() {
    return message.path("params");
  }

  /** The request id as sent (a number or a string), or null for a notification. */
  public JsonNode id() {
    return message.get("id");
  }

  /** Whether the message is a request, expecting an answer. */
  public boolean isRequest() {
    return message.has("id");
  }
}
