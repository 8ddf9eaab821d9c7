package dev.sandboxagent.client;

import java.util.Optional;

/**
 * A call the daemon refused or could not complete. When the daemon answered, {@link #status()} is
 * its HTTP status and {@link #problem()} its problem-details body; {@link #errorType()} is the
 * {@code <type>} of {@code urn:sandbox-agent:error:<type>} (such as {@code session_not_found}).
 */
public class SandboxAgentException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private static final String ERROR_URN = "urn:sandbox-agent:error:";

  private final int status;
  private final transient Problem problem;

  /** An answer with a status other than the route's success. */
  public SandboxAgentException(String message, int status, Problem problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }

  /** A failure without an answer (a connection error, an unreadable body). */
  public SandboxAgentException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.problem = null;
  }

  /** The HTTP status, or 0 when the daemon did not answer. */
  public int status() {
    return status;
  }

  /** The problem-details body, when the answer had one. */
  public Optional<Problem> problem() {
    return Optional.ofNullable(problem);
  }

  /** The error type ({@code session_not_found}, {@code invalid_request}, …), or empty. */
  public Optional<String> errorType() {
    if (problem == null || problem.type() == null) {
      return Optional.empty();
    }
    String type = problem.type();
    return Optional.of(type.startsWith(ERROR_URN) ? type.substring(ERROR_URN.length()) : type);
  }
}
