package dev.sandboxagent.host.http;

/**
 * A request the framework layer rejects before any handler logic: wrong content type (415), body too
 * large (413), malformed JSON (400) or JSON of the wrong shape (422). Answered with a plain-text
 * message, as the reference's framework does.
 */
final class BadRequestBody extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  BadRequestBody(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
