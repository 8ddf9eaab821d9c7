package dev.sandboxagent.host.http;

import dev.sandboxagent.host.tenant.Tenant;
import dev.sandboxagent.host.tenant.Tenants;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Bearer-token authentication for the API routes and {@code /metrics} (the health checks, the
 * probes and the OpenAPI document are exempt; unknown paths are left to answer 404). The token names a tenant ({@link Tenant#DEFAULT}
 * for the daemon's own token), which is put in the request's context for the handlers. Tokens are
 * compared in constant time and never logged.
 */
final class AuthFilter implements Filter {

  private final Tenants tenants;
  private final Responses responses;

  AuthFilter(Tenants tenants, Responses responses) {
    this.tenants = tenants;
    this.responses = responses;
  }

  /** The tenant a request was authenticated as; {@link Tenant#DEFAULT} when authentication is off. */
  static Tenant tenant(ServerRequest req) {
    return req.context().get(Tenant.class, Tenant.class).orElse(Tenant.DEFAULT);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().rawPath();
    if (path.equals("/v1/health") || path.equals("/v1/health/live") || path.equals("/v1/health/ready")
        || path.equals("/v1/openapi.json") || !ApiRouting.isApiRoute(path)) {
      chain.proceed();
      return;
    }
    Tenant tenant = authenticate(tenants, req);
    if (tenant == null) {
      responses.problem(res, ApiException.tokenInvalid());
      return;
    }
    req.context().register(Tenant.class, tenant);
    chain.proceed();
  }

  /** The tenant of the request's token, or null when it presents none or an unknown one. */
  static Tenant authenticate(Tenants tenants, ServerRequest req) {
    String header = req.headers().value(HeaderNames.AUTHORIZATION).orElse(null);
    String token = header == null ? null : presented(header);
    return token == null ? null : tenants.authenticate(token).orElse(null);
  }

  /** The token of an {@code Authorization} header ("Bearer" or "Token" scheme), or null for any other. */
  private static String presented(String header) {
    String value = header.strip();
    if (value.startsWith("Bearer ")) {
      return value.substring("Bearer ".length());
    }
    if (value.startsWith("Token ")) {
      return value.substring("Token ".length());
    }
    return null;
  }
}
