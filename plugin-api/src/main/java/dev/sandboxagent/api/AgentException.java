package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

/**
 * A failure an adapter reports to the host, which maps its {@link Kind} to the API's error types.
 * The message is shown to clients; it must not contain secrets.
 */
public class AgentException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong, from the client's point of view. */
  public enum Kind {
    /** The agent's program cannot be found (404 {@code agent_not_installed}). */
    NOT_INSTALLED,
    /** Installing the agent failed (500 {@code install_failed}). */
    INSTALL_FAILED,
    /** The request is valid but the agent cannot do it (400 {@code invalid_request}). */
    UNSUPPORTED,
    /** The agent process could not be started or has exited (500 {@code agent_process_exited}). */
    PROCESS_EXITED,
    /** Talking to the agent failed (502 {@code stream_error}). */
    STREAM_ERROR,
    /** The agent produced output that cannot be understood. */
    BAD_OUTPUT
  }

  private final Kind kind;

  /** Creates an exception of the given kind. */
  public AgentException(Kind kind, String message) {
    super(message);
    this.kind = requireNonNull(kind, "kind is null");
  }

  /** Creates an exception of the given kind with a cause. */
  public AgentException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = requireNonNull(kind, "kind is null");
  }

  /** Returns what went wrong. */
  public Kind kind() {
    return kind;
  }
}
