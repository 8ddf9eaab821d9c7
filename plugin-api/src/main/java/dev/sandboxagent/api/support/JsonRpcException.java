package dev.sandboxagent.api.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.AgentException;

/**
 * A JSON-RPC error: the {@code error} member of a response. A {@link JsonRpcPeer} fails a request
 * with one when the other side answers with an error; a request handler throws one (or fails its
 * future with one) to answer with a given error. As an {@link AgentException} of kind {@link
 * AgentException.Kind#STREAM_ERROR}, one that escapes a session reaches the client as a failure to
 * talk to the agent.
 *
 * @since 1.1
 */
public class JsonRpcException extends AgentException {

  private static final long serialVersionUID = 1L;

  /** Invalid JSON was received. */
  public static final int PARSE_ERROR = -32700;
  /** The JSON sent is not a valid request object. */
  public static final int INVALID_REQUEST = -32600;
  /** The method does not exist or is not available. */
  public static final int METHOD_NOT_FOUND = -32601;
  /** Invalid method parameters. */
  public static final int INVALID_PARAMS = -32602;
  /** An internal error of the side that answers. */
  public static final int INTERNAL_ERROR = -32603;

  private final int code;
  private final transient JsonNode data;

  /** An error with {@code code} and {@code message} and no data. */
  public JsonRpcException(int code, String message) {
    this(code, message, null);
  }

  /**
   * An error with {@code code}, {@code message} and {@code data}.
   *
   * @param data the error's {@code data} member, or null for none
   */
  public JsonRpcException(int code, String message, JsonNode data) {
    super(Kind.STREAM_ERROR, message);
    this.code = code;
    this.data = data;
  }

  /** The error code. */
  public int code() {
    return code;
  }

  /** The error's {@code data} member, or null when it had none. */
  public JsonNode data() {
    return data;
  }
}
