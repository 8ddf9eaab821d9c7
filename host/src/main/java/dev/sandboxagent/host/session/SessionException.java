package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

/**
 * A request about sessions that cannot be carried out: a bad id or argument, a session that does
 * not exist or already exists, a terminated session, a tenant's session limit, a mode the agent
 * does not support, or a daemon that is going away. How a client sees it is decided at the edge.
 */
public final class SessionException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** An argument is not acceptable; the message says which and why. */
    INVALID_REQUEST,
    SESSION_NOT_FOUND,
    SESSION_ALREADY_EXISTS,
    /** The session was terminated: it takes no more messages or replies. */
    SESSION_TERMINATED,
    /** The tenant already runs its most sessions. */
    TOO_MANY_SESSIONS,
    /** The agent supports no such agent or permission mode. */
    MODE_NOT_SUPPORTED,
    /** The daemon cannot serve the request now (it is shutting down or was interrupted). */
    UNAVAILABLE,
    /** A message's idempotency key was accepted before with another message. */
    IDEMPOTENCY_KEY_REUSED
  }

  private final Kind kind;
  private final String sessionId;
  private final String agent;
  private final String mode;
  private final int limit;
  private final String idempotencyKey;

  private SessionException(Kind kind, String message, String sessionId, String agent, String mode, int limit) {
    this(kind, message, sessionId, agent, mode, limit, null);
  }

  private SessionException(
      Kind kind, String message, String sessionId, String agent, String mode, int limit, String idempotencyKey) {
    super(message);
    this.kind = requireNonNull(kind, "kind is null");
    this.sessionId = sessionId;
    this.agent = agent;
    this.mode = mode;
    this.limit = limit;
    this.idempotencyKey = idempotencyKey;
  }

  /** An unacceptable argument; {@code message} says which and why. */
  public static SessionException invalidRequest(String message) {
    return new SessionException(Kind.INVALID_REQUEST, message, null, null, null, 0);
  }

  public static SessionException notFound(String sessionId) {
    return new SessionException(Kind.SESSION_NOT_FOUND, "no session " + sessionId, sessionId, null, null, 0);
  }

  public static SessionException alreadyExists(String sessionId) {
    return new SessionException(Kind.SESSION_ALREADY_EXISTS, "session " + sessionId + " exists", sessionId, null,
        null, 0);
  }

  public static SessionException terminated(String sessionId) {
    return new SessionException(Kind.SESSION_TERMINATED, "session " + sessionId + " is terminated", sessionId, null,
        null, 0);
  }

  public static SessionException tooManySessions(int limit) {
    return new SessionException(Kind.TOO_MANY_SESSIONS, limit + " sessions run already", null, null, null, limit);
  }

  public static SessionException modeNotSupported(String agent, String mode) {
    return new SessionException(Kind.MODE_NOT_SUPPORTED, agent + " has no mode " + mode, null, agent, mode, 0);
  }

  /** The daemon cannot serve the request now; {@code message} says why. */
  public static SessionException unavailable(String message) {
    return new SessionException(Kind.UNAVAILABLE, message, null, null, null, 0);
  }

  /** A message's idempotency key, accepted before with another message. */
  public static SessionException idempotencyKeyReused(String sessionId, String key) {
    return new SessionException(Kind.IDEMPOTENCY_KEY_REUSED, "idempotency key " + key
        + " was used with another message to session " + sessionId, sessionId, null, null, 0, key);
  }

  public Kind kind() {
    return kind;
  }

  /** The session's id, or null. */
  public String sessionId() {
    return sessionId;
  }

  /** The agent of {@link Kind#MODE_NOT_SUPPORTED}, or null. */
  public String agent() {
    return agent;
  }

  /** The mode of {@link Kind#MODE_NOT_SUPPORTED}, or null. */
  public String mode() {
    return mode;
  }

  /** The key of {@link Kind#IDEMPOTENCY_KEY_REUSED}, or null. */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  /** The limit of {@link Kind#TOO_MANY_SESSIONS}, else 0. */
  public int limit() {
    return limit;
  }
}
