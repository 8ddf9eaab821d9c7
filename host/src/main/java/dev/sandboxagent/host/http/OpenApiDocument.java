package dev.sandboxagent.host.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 document of this daemon, served at {@code GET /v1/openapi.json}: the reference's
 * v1 API plus this daemon's additions. Read from the host's resources on first use, not at start-up.
 */
final class OpenApiDocument {

  static final String RESOURCE = "/dev/sandboxagent/host/openapi.json";

  private OpenApiDocument() {}

  /**
   * The document as served; callers must not modify it.
   *
   * @throws IllegalStateException when the build left it out
   */
  static byte[] bytes() {
    return Holder.BYTES;
  }

  /** Loaded when first asked for (the class is initialized then). */
  private static final class Holder {
    static final byte[] BYTES = read();
  }

  private static byte[] read() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the host's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
