package dev.sandboxagent.host.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CORS for the whole application, before authentication: answers every {@code OPTIONS} as a
 * preflight and adds the allow-origin headers to every other response, errors included.
 */
final class CorsFilter implements Filter {

  private static final HeaderName VARY = HeaderNames.VARY;
  private static final String VARY_VALUE = "origin, access-control-request-method, access-control-request-headers";

  private final CorsConfig config;

  CorsFilter(CorsConfig config) {
    this.config = config;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String origin = req.headers().value(HeaderNames.ORIGIN).orElse(null);
    String allowOrigin = allowedOrigin(origin);
    if (allowOrigin != null) {
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
    }
    if (config.credentials()) {
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    res.header(VARY, VARY_VALUE);
    if (req.prologue().method().equals(Method.OPTIONS)) {
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS,
          config.methods().isEmpty() ? "*" : String.join(",", config.methods()));
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
          config.headers().isEmpty() ? "*" : String.join(",", config.headers()));
      res.status(Status.OK_200);
      res.send();
      return;
    }
    chain.proceed();
  }

  private String allowedOrigin(String origin) {
    if (config.origins().isEmpty()) {
      return "*";
    }
    return origin != null && config.origins().contains(origin) ? origin : null;
  }
}
