package dev.sandboxagent.host.install;

/** An install that failed; the message says what was tried and why it failed. */
public final class InstallException extends Exception {

  private static final long serialVersionUID = 1L;

  public InstallException(String message) {
    super(message);
  }

  public InstallException(String message, Throwable cause) {
    super(message, cause);
  }
}
