package dev.sandboxagent.host.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 document of this daemon, served at {@code GET /v1/openapi.json}: the reference's
 * v1 API plus this daemon's additions. Read once from the host's resources.
 */
final class OpenApiDocument {

  static final String RESOURCE = "/dev/sandboxagent/host/openapi.json";

  private final byte[] bytes;

  private OpenApiDocument(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Reads the document from the host's resources.
   *
   * @throws IllegalStateException when the build left it out
   */
  static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the host's resources");
      }
      return new OpenApiDocument(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The document as served; callers must not modify it. */
  byte[] bytes() {
    return bytes;
  }
}
