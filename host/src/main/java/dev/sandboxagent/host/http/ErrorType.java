package dev.sandboxagent.host.http;

import java.util.Locale;

/** The error types of the v1 API, with their HTTP status and title. */
enum ErrorType {
  INVALID_REQUEST(400, "Invalid Request"),
  /** A request body of valid JSON in the wrong shape: a missing field, a wrong type, an unknown value. */
  INVALID_BODY(422, "Invalid Body"),
  /** A request body over the configured limit. */
  PAYLOAD_TOO_LARGE(413, "Payload Too Large"),
  /** A request body without a JSON content type. */
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported Media Type"),
  UNSUPPORTED_AGENT(400, "Unsupported Agent"),
  AGENT_NOT_INSTALLED(404, "Agent Not Installed"),
  INSTALL_FAILED(500, "Install Failed"),
  AGENT_PROCESS_EXITED(500, "Agent Process Exited"),
  TOKEN_INVALID(401, "Token Invalid"),
  PERMISSION_DENIED(403, "Permission Denied"),
  SESSION_NOT_FOUND(404, "Session Not Found"),
  SESSION_ALREADY_EXISTS(409, "Session Already Exists"),
  /** A tenant's limit of running sessions is reached (an addition for tenants). */
  TOO_MANY_SESSIONS(429, "Too Many Sessions"),
  MODE_NOT_SUPPORTED(400, "Mode Not Supported"),
  /** A message's idempotency key was accepted before with another message (an addition). */
  IDEMPOTENCY_KEY_REUSED(422, "Idempotency Key Reused"),
  STREAM_ERROR(502, "Stream Error"),
  /** The daemon cannot serve yet, or any more: the readiness probe's answer (an addition). */
  NOT_READY(503, "Not Ready"),
  TIMEOUT(504, "Timeout");

  private final int status;
  private final String title;

  ErrorType(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The URN suffix, e.g. {@code session_not_found}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
