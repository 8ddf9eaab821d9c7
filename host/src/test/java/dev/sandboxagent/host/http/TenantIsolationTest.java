package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.tenant.Tenants;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two tenants and the administrator on one daemon, over real HTTP. */
class TenantIsolationTest {

  private static final String ACME = "acme-token";
  private static final String BETA = "beta-token";
  private static final String ADMIN = "admin-token";

  @TempDir Path tmp;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    Path file = tmp.resolve("tenants.json");
    Files.writeString(file, ("{'tenants': {"
        + "'acme': {'tokens': ['" + Tenants.hash(ACME) + "'], 'agents': ['script'], 'maxSessions': 2,"
        + "  'env': {'TENANT_KEY': 'acme-secret'}},"
        + "'beta': {'tokens': ['" + Tenants.hash(BETA) + "'], 'agents': ['script', 'other'],"
        + "  'env': {'TENANT_KEY': 'beta-secret'}}}}").replace('\'', '"'));
    HostConfig config = new HostConfig("127.0.0.1", 0, ADMIN, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp, InstallSettings.defaults(), Tenants.load(file, new ObjectMapper()));
    server = TestServer.start(config, List.of(new ScriptAdapter(), new ScriptAdapter("other"),
        new ScriptAdapter("private")));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> call(String token, String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token);
    if (json != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return server.send(b.build());
  }

  private static List<String> ids(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false).map(n -> n.get(field).asText()).toList();
  }

  private JsonNode awaitText(String token, String session, String contains) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode events = TestServer.json(call(token, "GET", "/v1/sessions/" + session + "/events", null)).get("events");
      for (JsonNode e : events) {
        if (e.toString().contains(contains)) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no event containing " + contains + " in " + session);
  }

  @Test
  void eachTenantSeesOnlyItsAgents() {
    assertThat(ids(TestServer.json(call(ACME, "GET", "/v1/agents", null)).get("agents"), "id"))
        .containsExactly("script");
    assertThat(ids(TestServer.json(call(BETA, "GET", "/v1/agents", null)).get("agents"), "id"))
        .containsExactlyInAnyOrder("script", "other");
    assertThat(ids(TestServer.json(call(ADMIN, "GET", "/v1/agents", null)).get("agents"), "id"))
        .containsExactlyInAnyOrder("script", "other", "private");

    HttpResponse<String> refused = call(ACME, "POST", "/v1/sessions/s", "{\"agent\":\"other\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    JsonNode problem = TestServer.json(refused);
    assertThat(problem.get("type").asText()).isEqualTo("urn:sandbox-agent:error:permission_denied");
    assertThat(problem.get("detail").asText()).isEqualTo("permission denied: agent other is not enabled for this tenant");
    assertThat(problem.get("agent").asText()).isEqualTo("other");
    assertThat(call(ACME, "GET", "/v1/agents/other/modes", null).statusCode()).isEqualTo(403);
    assertThat(call(ACME, "POST", "/v1/agents/other/install", null).statusCode()).isEqualTo(403);
    assertThat(call(BETA, "GET", "/v1/agents/other/modes", null).statusCode()).isEqualTo(200);
    assertThat(call(ACME, "POST", "/v1/sessions/s", "{\"agent\":\"nope\"}").statusCode()).isEqualTo(400);
    assertThat(call("wrong", "GET", "/v1/agents", null).statusCode()).isEqualTo(401);
    assertThat(call(Tenants.hash(ACME), "GET", "/v1/agents", null).statusCode()).isEqualTo(401);
  }

  @Test
  void anotherTenantsSessionDoesNotExistOnAnyRoute() throws Exception {
    assertThat(call(ACME, "POST", "/v1/sessions/shared-name", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    assertThat(call(ACME, "POST", "/v1/sessions/shared-name/messages", "{\"message\":\"ask \"}").statusCode())
        .isEqualTo(204);
    awaitText(ACME, "shared-name", "permission.requested");

    String s = "/v1/sessions/shared-name";
    List<String[]> routes = List.of(
        new String[] {"POST", s + "/messages", "{\"message\":\"reply hi\"}"},
        new String[] {"POST", s + "/messages/stream", "{\"message\":\"reply hi\"}"},
        new String[] {"GET", s + "/events", null},
        new String[] {"GET", s + "/events/sse", null},
        new String[] {"POST", s + "/questions/q1/reply", "{\"answers\":[[\"Yes\"]]}"},
        new String[] {"POST", s + "/questions/q1/reject", null},
        new String[] {"POST", s + "/permissions/p1/reply", "{\"reply\":\"once\"}"},
        new String[] {"POST", s + "/terminate", null},
        new String[] {"DELETE", s, null});
    for (String token : List.of(BETA, ADMIN)) {
      for (String[] route : routes) {
        HttpResponse<String> r = call(token, route[0], route[1], route[2]);
        assertThat(r.statusCode()).as(token + " " + route[0] + " " + route[1]).isEqualTo(404);
        assertThat(TestServer.json(r).get("type").asText()).isEqualTo("urn:sandbox-agent:error:session_not_found");
      }
      assertThat(TestServer.json(call(token, "GET", "/v1/sessions", null)).get("sessions")).isEmpty();
    }

    // The same id in another tenant is another session; neither sees the other's events.
    assertThat(call(BETA, "POST", "/v1/sessions/shared-name", "{\"agent\":\"other\"}").statusCode()).isEqualTo(200);
    assertThat(call(BETA, "POST", s + "/messages", "{\"message\":\"reply from beta\"}").statusCode()).isEqualTo(204);
    awaitText(BETA, "shared-name", "from beta");
    String acmeEvents = call(ACME, "GET", s + "/events", null).body();
    assertThat(acmeEvents).doesNotContain("from beta").contains("permission.requested");
    assertThat(call(BETA, "GET", s + "/events", null).body()).doesNotContain("permission.requested");
    assertThat(ids(TestServer.json(call(BETA, "GET", "/v1/sessions", null)).get("sessions"), "agent"))
        .containsExactly("other");

    // The owner still answers its pending requests: nothing above touched them.
    assertThat(call(ACME, "POST", s + "/questions/q1/reply", "{\"answers\":[[\"Yes\"]]}").statusCode()).isEqualTo(204);
    assertThat(call(ACME, "POST", s + "/permissions/p1/reply", "{\"reply\":\"once\"}").statusCode()).isEqualTo(204);
    assertThat(call(ACME, "POST", s + "/terminate", null).statusCode()).isEqualTo(204);
    assertThat(call(BETA, "POST", s + "/messages", "{\"message\":\"reply still here\"}").statusCode()).isEqualTo(204);
  }

  @Test
  void limitAnswers429UntilASessionEnds() {
    assertThat(call(ACME, "POST", "/v1/sessions/one", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    assertThat(call(ACME, "POST", "/v1/sessions/two", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    HttpResponse<String> third = call(ACME, "POST", "/v1/sessions/three", "{\"agent\":\"script\"}");
    assertThat(third.statusCode()).isEqualTo(429);
    JsonNode problem = TestServer.json(third);
    assertThat(problem.get("type").asText()).isEqualTo("urn:sandbox-agent:error:too_many_sessions");
    assertThat(problem.get("details").get("limit").asInt()).isEqualTo(2);
    // Another tenant is not limited by it.
    assertThat(call(BETA, "POST", "/v1/sessions/three", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    assertThat(call(ACME, "POST", "/v1/sessions/one/terminate", null).statusCode()).isEqualTo(204);
    assertThat(call(ACME, "POST", "/v1/sessions/three", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    assertThat(call(ACME, "POST", "/v1/sessions/four", "{\"agent\":\"script\"}").statusCode()).isEqualTo(429);
    assertThat(ids(TestServer.json(call(ACME, "GET", "/v1/sessions", null)).get("sessions"), "sessionId"))
        .containsExactly("three", "two", "one");
  }

  @Test
  void agentProcessesGetTheirTenantsEnvironmentAndScope() throws Exception {
    assertThat(call(ACME, "POST", "/v1/sessions/e", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    assertThat(call(BETA, "POST", "/v1/sessions/e", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    assertThat(call(ADMIN, "POST", "/v1/sessions/e", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    for (String token : List.of(ACME, BETA, ADMIN)) {
      assertThat(call(token, "POST", "/v1/sessions/e/messages", "{\"message\":\"env TENANT_KEY\"}").statusCode())
          .isEqualTo(204);
    }
    assertThat(awaitText(ACME, "e", "TENANT_KEY=").toString()).contains("TENANT_KEY=acme-secret scope=acme");
    assertThat(awaitText(BETA, "e", "TENANT_KEY=").toString()).contains("TENANT_KEY=beta-secret scope=beta");
    assertThat(awaitText(ADMIN, "e", "TENANT_KEY=").toString()).contains("TENANT_KEY= scope=\"");
  }

  @Test
  void onlyAdministratorsRescanOrSeeEveryPlugin() {
    HttpResponse<String> refused = call(ACME, "POST", "/v1/plugins/rescan", null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(TestServer.json(refused).get("detail").asText()).isEqualTo("permission denied: administrators only");
    assertThat(call(ADMIN, "POST", "/v1/plugins/rescan", null).statusCode()).isEqualTo(200);
  }

  @Test
  void onlyAdministratorsReadTheMetricsWhichNameEachTenant() {
    assertThat(call(ACME, "POST", "/v1/sessions/m", "{\"agent\":\"script\"}").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = call(ACME, "GET", "/metrics", null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(TestServer.json(refused).get("type").asText()).isEqualTo("urn:sandbox-agent:error:permission_denied");
    HttpResponse<String> metrics = call(ADMIN, "GET", "/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    Exposition e = Exposition.parse(metrics.body());
    assertThat(e.count("sandbox_agent_sessions_created_total", "agent", "script", "tenant", "acme")).isEqualTo(1);
    assertThat(e.count("sandbox_agent_sessions_running", "agent", "script", "tenant", "acme")).isEqualTo(1);
    assertThat(e.count("sandbox_agent_http_requests_total", "method", "GET", "route", "/metrics", "status", "403"))
        .isEqualTo(1);
  }
}
