package dev.sandboxagent.host.http;

import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.host.agent.AgentFailure;
import dev.sandboxagent.host.session.SessionException;

/**
 * The one place where the failures of the layers below become the API's problems: each kind of
 * {@link SessionException} and {@link AgentFailure}, and an {@link AgentException} that escaped its
 * agent, gets its status, type, detail and extension members here.
 */
final class Problems {

  private Problems() {}

  static ApiException of(SessionException e) {
    return switch (e.kind()) {
      case INVALID_REQUEST -> ApiException.invalidRequest(e.getMessage());
      case SESSION_NOT_FOUND -> ApiException.sessionNotFound(e.sessionId());
      case SESSION_ALREADY_EXISTS -> ApiException.sessionAlreadyExists(e.sessionId());
      case SESSION_TERMINATED -> ApiException.invalidRequest("session terminated");
      case TOO_MANY_SESSIONS -> ApiException.tooManySessions(e.limit());
      case MODE_NOT_SUPPORTED -> ApiException.modeNotSupported(e.agent(), e.mode());
      case UNAVAILABLE -> ApiException.streamError(e.getMessage());
      case IDEMPOTENCY_KEY_REUSED -> ApiException.idempotencyKeyReused(e.sessionId(), e.idempotencyKey());
    };
  }

  static ApiException of(AgentFailure e) {
    String agent = e.agent();
    return switch (e.kind()) {
      case UNKNOWN_AGENT -> ApiException.unsupportedAgent(agent);
      case NOT_ALLOWED -> ApiException.agentNotAllowed(agent);
      case NOT_INSTALLED -> ApiException.agentNotInstalled(agent);
      case INSTALL_FAILED -> ApiException.installFailed(agent, e.getMessage(), e);
      case UNSUPPORTED -> ApiException.invalidRequest(said(e));
      case PROCESS_EXITED -> ApiException.agentProcessExited(agent, e.exitCode(), e.getMessage());
      case STREAM_ERROR -> ApiException.streamError(said(e));
      case CRASHED -> ApiException.streamError("agent " + agent + " failed: " + e.getMessage());
    };
  }

  /** What the plugin said, or that it said nothing. */
  private static String said(AgentFailure e) {
    return e.getMessage() != null ? e.getMessage() : "the agent gave no reason";
  }

  /** A plugin's failure that reached the edge outside a call of the host's, without its agent. */
  static ApiException of(AgentException e) {
    return of(AgentFailure.reported(null, e));
  }
}
