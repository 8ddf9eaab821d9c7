package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.host.daemon.HostConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inspector's static files over real HTTP, on a daemon that requires a token. */
class InspectorUiTest {

  @TempDir Path tmp;
  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(tmp, "s3cret", CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new ScriptAdapter()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) {
    return server.send(HttpRequest.newBuilder(URI.create(server.base + path)).timeout(Duration.ofSeconds(10)).build());
  }

  @Test
  void servesThePageWithoutATokenUnderAStrictPolicy() {
    HttpResponse<String> page = get("/ui/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
        .contains("default-src 'none'").contains("script-src 'self'").contains("connect-src 'self' http: https:;")
        .doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
    assertThat(page.headers().firstValue("cache-control")).contains("no-cache");
    assertThat(page.body()).contains("<script src=\"app.js\" defer></script>").doesNotContain("<script>")
        .doesNotContain("http://").doesNotContain("https://");

    HttpResponse<String> script = get("/ui/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("content-type")).contains("text/javascript; charset=utf-8");
    // By default the API is reached relative to the page: ../v1/… behind any path prefix.
    assertThat(script.body()).contains("new URL('../', document.baseURI)").contains("new URL('v1/' + path, state.base)")
        .doesNotContain("fetch('/v1");
    assertThat(get("/ui/app.css").headers().firstValue("content-type")).contains("text/css; charset=utf-8");

    // The API itself still needs the token.
    assertThat(get("/v1/agents").statusCode()).isEqualTo(401);
  }

  @Test
  void redirectsRelativelySoAPrefixIsKept() {
    HttpResponse<String> r = get("/ui");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("location")).contains("ui/");
  }

  @Test
  void servesNothingElse() {
    for (String path : List.of("/ui/missing.js", "/ui/..%2Fpom.xml", "/ui/%2e%2e/v1/agents", "/ui/index.html/x",
        "/ui/dev/sandboxagent/host/ui/app.js", "/ui/Main.class")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(404);
    }
    HttpResponse<String> head = server.send(HttpRequest.newBuilder(URI.create(server.base + "/ui/app.js"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }
}
