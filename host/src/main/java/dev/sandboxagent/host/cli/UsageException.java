package dev.sandboxagent.host.cli;

/** A command-line syntax error (exit status 2). */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
