package dev.sandboxagent.host.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Request URLs of the {@code api} command. Ids are inserted into the path verbatim, as the
 * reference client does: a {@code /} in an id adds a path segment, a {@code ?} starts the query
 * and an existing {@code %xx} escape is kept. Only characters that cannot appear in a URL at all
 * (spaces, quotes, brackets, non-ASCII, a {@code %} that starts no escape, …) are percent-encoded,
 * the way a browser would send them.
 */
final class Urls {

  private static final String ALLOWED =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?#";

  private Urls() {}

  /**
   * {@code endpoint} (an absolute http or https URL) followed by {@code path}.
   *
   * @throws IllegalArgumentException when the endpoint is not such a URL
   */
  static URI of(String endpoint, String path) {
    URI base;
    try {
      base = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
      throw new IllegalArgumentException("expected http://<host>[:<port>]");
    }
    return URI.create(endpoint + encodeIllegal(path));
  }

  static String encodeIllegal(String text) {
    StringBuilder out = new StringBuilder(text.length());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean escape = b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2]);
      if (b < 0x80 && (ALLOWED.indexOf(b) >= 0 || escape)) {
        out.append((char) b);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b));
      }
    }
    return out.toString();
  }

  private static boolean hex(byte b) {
    return Character.digit(b, 16) >= 0;
  }
}
