package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.host.daemon.HostConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer-token authentication and the CORS layer over real HTTP. */
class AuthAndCorsTest {

  private static final String TOKEN_INVALID = "{\"type\":\"urn:sandbox-agent:error:token_invalid\","
      + "\"title\":\"Token Invalid\",\"status\":401,\"detail\":\"token invalid\","
      + "\"details\":{\"message\":\"missing or invalid token\"}}";

  @TempDir Path tmp;

  private static HttpRequest.Builder raw(TestServer server, String path) {
    return HttpRequest.newBuilder(URI.create(server.base + path)).timeout(Duration.ofSeconds(10));
  }

  @Test
  void tokenGuardsEveryApiRouteButHealth() {
    try (TestServer server = TestServer.start(tmp, "s3cret", CorsConfig.disabled(),
        HostConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(15), List.of(new ScriptAdapter()))) {
      assertThat(server.send(raw(server, "/v1/health").build()).statusCode()).isEqualTo(200);
      HttpResponse<String> missing = server.send(raw(server, "/v1/agents").build());
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(missing.body()).isEqualTo(TOKEN_INVALID);
      assertThat(missing.headers().firstValue("www-authenticate")).isEmpty();
      for (String header : List.of("Bearer wrong", "Basic s3cret", "bearer s3cret", "Bearer  s3cret", "s3cret",
          "Bearer s3cret2", "Token S3CRET")) {
        HttpResponse<String> r = server.send(raw(server, "/v1/sessions").header("Authorization", header).build());
        assertThat(r.statusCode()).as(header).isEqualTo(401);
        assertThat(r.body()).isEqualTo(TOKEN_INVALID);
      }
      for (String header : List.of("Bearer s3cret", "Token s3cret", "  Bearer s3cret  ")) {
        assertThat(server.send(raw(server, "/v1/sessions").header("Authorization", header).build()).statusCode())
            .as(header).isEqualTo(200);
      }
      assertThat(server.send(raw(server, "/v1/unknown").build()).statusCode()).isEqualTo(404);
      assertThat(server.send(raw(server, "/v1/sessions/x").GET().build()).statusCode())
          .as("wrong method without token").isEqualTo(401);
      assertThat(server.send(raw(server, "/v1/sessions/x/events/sse?token=s3cret").build()).statusCode())
          .isEqualTo(401);
      assertThat(server.get("/v1/sessions/nope/events").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void corsAnswersPreflightsAndDecoratesEveryResponse() {
    CorsConfig cors = new CorsConfig(List.of("http://example.com"), List.of("GET", "POST"),
        List.of("Content-Type", "authorization"), true);
    try (TestServer server = TestServer.start(tmp, "tok", cors, HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new ScriptAdapter()))) {
      HttpResponse<String> preflight = server.send(raw(server, "/v1/agents")
          .header("Origin", "http://example.com").header("Access-Control-Request-Method", "GET")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(preflight.statusCode()).isEqualTo(200);
      assertThat(preflight.body()).isEmpty();
      assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("http://example.com");
      assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValue("GET,POST");
      assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("content-type,authorization");
      assertThat(preflight.headers().firstValue("access-control-allow-credentials")).hasValue("true");
      assertThat(preflight.headers().firstValue("vary"))
          .hasValue("origin, access-control-request-method, access-control-request-headers");
      assertThat(preflight.headers().firstValue("access-control-max-age")).isEmpty();

      HttpResponse<String> foreign = server.send(raw(server, "/v1/agents").header("Origin", "http://evil.example")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();

      HttpResponse<String> unauthorized = server.send(raw(server, "/v1/agents")
          .header("Origin", "http://example.com").build());
      assertThat(unauthorized.statusCode()).isEqualTo(401);
      assertThat(unauthorized.headers().firstValue("access-control-allow-origin")).hasValue("http://example.com");
      HttpResponse<String> ok = server.send(raw(server, "/v1/health").header("Origin", "http://example.com").build());
      assertThat(ok.headers().firstValue("access-control-allow-credentials")).hasValue("true");
    }
  }

  @Test
  void withoutCorsFlagsOptionsIsAnOrdinaryRequest() {
    try (TestServer server = TestServer.start(tmp)) {
      HttpResponse<String> options = server.send(raw(server, "/v1/agents").header("Origin", "http://example.com")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(options.statusCode()).isEqualTo(405);
      assertThat(options.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
  }

  @Test
  void wildcardCorsAllowsAnyOriginAndInvalidConfigurationsAreRefused() {
    try (TestServer server = TestServer.start(tmp, null, new CorsConfig(List.of(), List.of("GET"), List.of(), false),
        HostConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(15), List.of(new ScriptAdapter()))) {
      HttpResponse<String> preflight = server.send(raw(server, "/v1/agents").header("Origin", "http://a.example")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
      assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("*");
    }
    assertThatThrownBy(() -> new CorsConfig(List.of(), List.of(), List.of(), true).validate())
        .hasMessageContaining("--cors-allow-credentials");
    assertThatThrownBy(() -> new CorsConfig(List.of(), List.of("GE T"), List.of(), false).validate())
        .hasMessage("invalid cors method: GE T");
    assertThatThrownBy(() -> new CorsConfig(List.of(), List.of(), List.of("bad header"), false).validate())
        .hasMessage("invalid cors header: bad header");
    assertThatThrownBy(() -> new CorsConfig(List.of("http://a\nb"), List.of(), List.of(), false).validate())
        .hasMessage("invalid cors origin: http://a\nb");
  }

  @Test
  void headOnTheEventStreamReturnsHeadersOnly() {
    try (TestServer server = TestServer.start(tmp)) {
      server.createSession("h");
      HttpResponse<String> head = server.send(server.request("/v1/sessions/h/events/sse")
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("content-type")).hasValue("text/event-stream");
      assertThat(head.body()).isEmpty();
    }
  }
}
