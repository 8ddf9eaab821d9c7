package dev.sandboxagent.host.http;

import dev.sandboxagent.host.metrics.DaemonMetrics;
import dev.sandboxagent.host.tenant.Tenant;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Set;

/**
 * Counts every answered request by method, route pattern and status, and writes its access-log
 * line when the access log is on. The outermost filter, so refusals (401, 403) are seen too; a
 * stream is counted when it ends.
 */
final class RequestObserver implements Filter {

  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

  private final DaemonMetrics metrics;
  private final RouteTemplates routes;

  RequestObserver(DaemonMetrics metrics, RouteTemplates routes) {
    this.metrics = metrics;
    this.routes = routes;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    // Whether to log is decided when the request arrives, so that turning the log on or off never
    // logs a request half-way through.
    boolean log = AccessLog.enabled();
    try {
      chain.proceed();
    } finally {
      String path = req.path().rawPath();
      String route = routes.of(path);
      int status = res.status().code();
      Method method = req.prologue().method();
      String name = METHODS.contains(method.text()) ? method.text() : "other";
      metrics.httpRequest(name, route, status);
      if (log) {
        String tenant = req.context().get(Tenant.class, Tenant.class).map(Tenant::id).orElse(null);
        AccessLog.log(name, path, route, status, System.nanoTime() - start, tenant);
      }
    }
  }
}
