package dev.sandboxagent.host.cli;

/**
 * A command line whose parts are each valid but do not go together, found after parsing (exit
 * status 2, like the parser's own errors).
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
