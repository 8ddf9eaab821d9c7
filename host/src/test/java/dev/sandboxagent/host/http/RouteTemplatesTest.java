package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

  @Test
  void aPathIsNamedByTheFirstRouteItMatchesWithOrWithoutParameters() {
    RouteTemplates routes = new RouteTemplates();
    routes.add("/v1/health");
    routes.add("/v1/sessions/{sessionId}");
    routes.add("/v1/sessions/special");
    routes.add("/v1/sessions/{sessionId}/events");

    assertThat(routes.of("/v1/health")).isEqualTo("/v1/health");
    assertThat(routes.of("/v1/sessions/abc")).isEqualTo("/v1/sessions/{sessionId}");
    // Added after a route that matches it: the earlier route names it.
    assertThat(routes.of("/v1/sessions/special")).isEqualTo("/v1/sessions/{sessionId}");
    assertThat(routes.of("/v1/sessions/abc/events")).isEqualTo("/v1/sessions/{sessionId}/events");
    assertThat(routes.of("/v1/health/")).isEqualTo(RouteTemplates.UNMATCHED);
    assertThat(routes.of("/v1/healthz")).isEqualTo(RouteTemplates.UNMATCHED);
  }
}
