package dev.sandboxagent.host.http;

import dev.sandboxagent.host.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token authentication for the API routes (the health check is exempt; unknown paths are
 * left to answer 404). The token is compared in constant time and never logged.
 */
final class AuthFilter implements Filter {

  private final byte[] tokenDigest;
  private final Responses responses;

  AuthFilter(String token, Responses responses) {
    this.tokenDigest = digest(token);
    this.responses = responses;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().rawPath();
    if (path.equals("/v1/health") || !ApiRouting.isApiRoute(path)) {
      chain.proceed();
      return;
    }
    String header = req.headers().value(HeaderNames.AUTHORIZATION).orElse(null);
    if (!valid(header)) {
      responses.problem(res, ApiException.tokenInvalid());
      return;
    }
    chain.proceed();
  }

  private boolean valid(String header) {
    if (header == null) {
      return false;
    }
    String value = header.strip();
    String presented;
    if (value.startsWith("Bearer ")) {
      presented = value.substring("Bearer ".length());
    } else if (value.startsWith("Token ")) {
      presented = value.substring("Token ".length());
    } else {
      return false;
    }
    return MessageDigest.isEqual(tokenDigest, digest(presented));
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
