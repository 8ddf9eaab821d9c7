package dev.sandboxagent.client;

import java.net.URI;

/** No daemon answered at the client's endpoint: nothing listens there, or the connection broke. */
public final class DaemonUnreachableException extends SandboxAgentException {

  private static final long serialVersionUID = 1L;

  private final URI endpoint;

  DaemonUnreachableException(URI endpoint, Throwable cause) {
    super("the sandbox-agent daemon is not reachable at " + endpoint
        + (cause.getMessage() == null ? " (" + cause.getClass().getSimpleName() + ")" : ": " + cause.getMessage()),
        cause);
    this.endpoint = endpoint;
  }

  /** The endpoint the client was connecting to. */
  public URI endpoint() {
    return endpoint;
  }
}
