package dev.sandboxagent.host.http;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failure that reaches the client as a problem-details body: one the HTTP layer finds itself (a
 * bad body, a missing token), or a domain failure as {@link Problems} maps it. The factories
 * produce exactly the {@code detail} texts and extension members of the API.
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorType type;
  private final String agent;
  private final String sessionId;
  private final transient Map<String, Object> details;

  private ApiException(
      ErrorType type, String detail, String agent, String sessionId, Map<String, Object> details, Throwable cause) {
    super(detail, cause);
    this.type = requireNonNull(type, "type is null");
    this.agent = agent;
    this.sessionId = sessionId;
    this.details = details == null ? Map.of() : details;
  }

  public ErrorType type() {
    return type;
  }

  /** The {@code detail} text. */
  public String detail() {
    return getMessage();
  }

  /** The {@code agent} extension, or null. */
  public String agent() {
    return agent;
  }

  /** The {@code sessionId} extension, or null. */
  public String sessionId() {
    return sessionId;
  }

  /** The {@code details} extension; empty means absent. */
  public Map<String, Object> details() {
    return details;
  }

  public static ApiException invalidRequest(String message) {
    return new ApiException(ErrorType.INVALID_REQUEST, "invalid request: " + message, null, null, null, null);
  }

  /** A request body of valid JSON in the wrong shape. */
  public static ApiException invalidBody(String message) {
    return new ApiException(ErrorType.INVALID_BODY, "invalid body: " + message, null, null, null, null);
  }

  /** A request body over {@code limit} bytes. */
  public static ApiException payloadTooLarge(long limit) {
    return new ApiException(
        ErrorType.PAYLOAD_TOO_LARGE, "payload too large: the limit is " + limit + " bytes", null, null, null, null);
  }

  /** A request body that is not declared as JSON. */
  public static ApiException unsupportedMediaType() {
    return new ApiException(ErrorType.UNSUPPORTED_MEDIA_TYPE,
        "unsupported media type: expected Content-Type: application/json", null, null, null, null);
  }

  public static ApiException unsupportedAgent(String agent) {
    return new ApiException(ErrorType.UNSUPPORTED_AGENT, "unsupported agent: " + agent, agent, null, null, null);
  }

  public static ApiException agentNotInstalled(String agent) {
    return new ApiException(
        ErrorType.AGENT_NOT_INSTALLED, "agent not installed: " + agent, agent, null, null, null);
  }

  public static ApiException installFailed(String agent, String stderr, Throwable cause) {
    return new ApiException(
        ErrorType.INSTALL_FAILED, "install failed: " + agent, agent, null, stderrDetails(null, stderr), cause);
  }

  public static ApiException agentProcessExited(String agent, Integer exitCode, String stderr) {
    return new ApiException(
        ErrorType.AGENT_PROCESS_EXITED,
        "agent process exited: " + agent,
        agent,
        null,
        stderrDetails(exitCode, stderr),
        null);
  }

  public static ApiException tokenInvalid() {
    return new ApiException(
        ErrorType.TOKEN_INVALID, "token invalid", null, null, Map.of("message", "missing or invalid token"), null);
  }

  /** An agent the caller's tenant may not use. */
  public static ApiException agentNotAllowed(String agent) {
    return new ApiException(
        ErrorType.PERMISSION_DENIED, "permission denied: agent " + agent + " is not enabled for this tenant", agent,
        null, null, null);
  }

  /** The administration routes, for a tenant that is not an administrator. */
  public static ApiException adminOnly() {
    return new ApiException(
        ErrorType.PERMISSION_DENIED, "permission denied: administrators only", null, null, null, null);
  }

  /** The caller's tenant already runs its most sessions. */
  public static ApiException tooManySessions(int limit) {
    return new ApiException(
        ErrorType.TOO_MANY_SESSIONS, "too many sessions: the limit of " + limit + " running sessions is reached", null,
        null, Map.of("limit", limit), null);
  }

  public static ApiException sessionNotFound(String sessionId) {
    return new ApiException(
        ErrorType.SESSION_NOT_FOUND, "session not found: " + sessionId, null, sessionId, null, null);
  }

  public static ApiException sessionAlreadyExists(String sessionId) {
    return new ApiException(
        ErrorType.SESSION_ALREADY_EXISTS, "session already exists: " + sessionId, null, sessionId, null, null);
  }

  /** The idempotency key of a message to {@code sessionId} was accepted before with another message. */
  public static ApiException idempotencyKeyReused(String sessionId, String key) {
    return new ApiException(ErrorType.IDEMPOTENCY_KEY_REUSED, "idempotency key reused: " + key
        + " was sent before with another message; use a new key for a new message", null, sessionId,
        Map.of("idempotencyKey", key), null);
  }

  public static ApiException modeNotSupported(String agent, String mode) {
    return new ApiException(
        ErrorType.MODE_NOT_SUPPORTED,
        "mode not supported: " + agent + " " + mode,
        agent,
        null,
        Map.of("mode", mode),
        null);
  }

  public static ApiException streamError(String message) {
    return new ApiException(
        ErrorType.STREAM_ERROR, "stream error: " + message, null, null, Map.of("message", message), null);
  }

  /** The daemon is not ready, for these reasons. */
  public static ApiException notReady(List<String> reasons) {
    return new ApiException(ErrorType.NOT_READY, "not ready: " + String.join("; ", reasons), null, null,
        Map.of("reasons", reasons), null);
  }

  private static Map<String, Object> stderrDetails(Integer exitCode, String stderr) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (exitCode != null) {
      map.put("exitCode", exitCode);
    }
    if (stderr != null) {
      map.put("stderr", stderr);
    }
    return map;
  }
}
