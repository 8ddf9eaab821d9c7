package dev.sandboxagent.host.http;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The CORS flags of {@code server}. CORS is on as soon as any flag is given; an empty list then
 * means "any" ({@code *}).
 *
 * @param origins allowed origins, exact match
 * @param methods allowed methods
 * @param headers allowed request headers (lower-cased)
 * @param credentials whether to send {@code Access-Control-Allow-Credentials: true}
 */
public record CorsConfig(List<String> origins, List<String> methods, List<String> headers, boolean credentials) {

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public CorsConfig {
    origins = List.copyOf(origins);
    methods = List.copyOf(methods);
    headers = headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
  }

  /** CORS off. */
  public static CorsConfig disabled() {
    return new CorsConfig(List.of(), List.of(), List.of(), false);
  }

  public boolean enabled() {
    return !origins.isEmpty() || !methods.isEmpty() || !headers.isEmpty() || credentials;
  }

  /**
   * Checks the values and the combination, with the messages of the reference CLI.
   *
   * @throws IllegalArgumentException when invalid
   */
  public void validate() {
    for (String origin : origins) {
      if (origin.isEmpty() || origin.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f || c > 0xff)) {
        throw new IllegalArgumentException("invalid cors origin: " + origin);
      }
    }
    for (String method : methods) {
      if (!TOKEN.matcher(method).matches()) {
        throw new IllegalArgumentException("invalid cors method: " + method);
      }
    }
    for (String header : headers) {
      if (!TOKEN.matcher(header).matches()) {
        throw new IllegalArgumentException("invalid cors header: " + header);
      }
    }
    if (credentials && (origins.isEmpty() || methods.isEmpty() || headers.isEmpty())) {
      throw new IllegalArgumentException(
          "--cors-allow-credentials cannot be combined with a wildcard: give explicit origins, methods and headers");
    }
  }
}
