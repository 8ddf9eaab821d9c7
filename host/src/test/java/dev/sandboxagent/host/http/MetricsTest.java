package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} of a real daemon: the exposition parses, and the counters follow what happens. */
class MetricsTest {

  @TempDir Path tmp;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Exposition scrape() {
    HttpResponse<String> r = server.get("/metrics");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    return Exposition.parse(r.body());
  }

  /** Scrapes until {@code done} holds (10 s at most), then returns the last scrape. */
  private Exposition scrapeUntil(Predicate<Exposition> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Exposition e = scrape();
    while (!done.test(e) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      e = scrape();
    }
    return e;
  }

  @Test
  void aSessionsTurnMovesTheCounters() throws Exception {
    // frequent keep-alives, so that a stream whose client has gone is noticed at once
    server = TestServer.start(tmp, null, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofMillis(200), List.of(new ScriptAdapter()));
    Exposition before = scrape();
    assertThat(before.count("sandbox_agent_sessions_created_total", "agent", "script", "tenant", "")).isZero();
    assertThat(before.value("jvm_memory_used_bytes", "area", "heap")).isPositive();
    assertThat(before.types()).containsKey("jvm_gc_collection_seconds");

    server.createSession("m1");
    assertThat(server.post("/v1/sessions/m1/messages", "{\"message\":\"run echo hello\"}").statusCode())
        .isEqualTo(204);
    Exposition after = scrapeUntil(
        e -> e.count("sandbox_agent_turn_duration_seconds_count", "agent", "script") >= 1);

    assertThat(after.types()).containsEntry("sandbox_agent_turn_duration_seconds", "histogram")
        .containsEntry("sandbox_agent_http_requests_total", "counter")
        .containsEntry("sandbox_agent_sessions_running", "gauge");
    assertThat(after.count("sandbox_agent_sessions_created_total", "agent", "script", "tenant", "")).isEqualTo(1);
    assertThat(after.count("sandbox_agent_sessions_running", "agent", "script", "tenant", "")).isEqualTo(1);
    assertThat(after.count("sandbox_agent_agent_processes_started_total", "agent", "script")).isEqualTo(1);
    assertThat(after.count("sandbox_agent_turn_duration_seconds_count", "agent", "script")).isEqualTo(1);
    assertThat(after.count("sandbox_agent_turn_duration_seconds_sum", "agent", "script")).isPositive();
    assertThat(after.count("sandbox_agent_turn_duration_seconds_bucket", "agent", "script", "le", "+Inf"))
        .isEqualTo(1);
    JsonNode events = TestServer.json(server.get("/v1/sessions/m1/events")).get("events");
    assertThat(events.size()).isGreaterThanOrEqualTo(4);
    assertThat(scrapeUntil(e -> e.count("sandbox_agent_events_recorded_total", "agent", "script") >= events.size())
        .count("sandbox_agent_events_recorded_total", "agent", "script")).isEqualTo(events.size());
    // route patterns, not raw paths
    assertThat(after.count("sandbox_agent_http_requests_total",
        "method", "POST", "route", "/v1/sessions/{sessionId}", "status", "200")).isEqualTo(1);
    assertThat(after.count("sandbox_agent_http_requests_total",
        "method", "POST", "route", "/v1/sessions/{sessionId}/messages", "status", "204")).isEqualTo(1);
    assertThat(after.count("sandbox_agent_http_requests_total", "method", "GET", "route", "/metrics", "status", "200"))
        .isGreaterThanOrEqualTo(1);
    assertThat(after.sampleKeys()).noneMatch(k -> k.contains("/v1/sessions/m1"));

    try (TestServer.SseStream sse = server.sse(server.request("/v1/sessions/m1/events/sse").GET().build())) {
      assertThat(sse.nextEvent()).isNotNull();
      assertThat(scrape().count("sandbox_agent_sse_subscribers")).isEqualTo(1);
    }
    assertThat(scrapeUntil(e -> e.count("sandbox_agent_sse_subscribers") == 0)
        .count("sandbox_agent_sse_subscribers")).isZero();

    assertThat(server.get("/v1/no-such-route").statusCode()).isEqualTo(404);
    assertThat(server.postEmpty("/v1/sessions/m1/terminate").statusCode()).isEqualTo(204);
    Exposition ended = scrape();
    assertThat(ended.count("sandbox_agent_sessions_ended_total",
        "agent", "script", "tenant", "", "reason", "terminated")).isEqualTo(1);
    assertThat(ended.count("sandbox_agent_sessions_running", "agent", "script", "tenant", "")).isZero();
    assertThat(ended.count("sandbox_agent_http_requests_total",
        "method", "GET", "route", "unmatched", "status", "404")).isEqualTo(1);
  }

  @Test
  void processesThatFailOrAreStoppedAreCountedApart() throws Exception {
    server = TestServer.start(tmp);
    server.createSession("crash");
    server.post("/v1/sessions/crash/messages", "{\"message\":\"run exit 3\"}");
    Exposition crashed = scrapeUntil(
        e -> e.count("sandbox_agent_agent_processes_crashed_total", "agent", "script") >= 1);
    assertThat(crashed.count("sandbox_agent_agent_processes_crashed_total", "agent", "script")).isEqualTo(1);
    assertThat(crashed.count("sandbox_agent_agent_processes_killed_total", "agent", "script")).isZero();

    server.createSession("long");
    server.post("/v1/sessions/long/messages", "{\"message\":\"run echo started; sleep 60\"}");
    server.awaitEvents("long", 4);
    assertThat(server.postEmpty("/v1/sessions/long/terminate").statusCode()).isEqualTo(204);
    Exposition killed = scrapeUntil(
        e -> e.count("sandbox_agent_agent_processes_killed_total", "agent", "script") >= 1);
    assertThat(killed.count("sandbox_agent_agent_processes_killed_total", "agent", "script")).isEqualTo(1);
    assertThat(killed.count("sandbox_agent_agent_processes_crashed_total", "agent", "script")).isEqualTo(1);
    assertThat(killed.count("sandbox_agent_agent_processes_started_total", "agent", "script")).isEqualTo(2);
  }

  @Test
  void withATokenMetricsNeedItAndTheProbesDoNot() throws Exception {
    server = TestServer.start(tmp, "s3cret", CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new ScriptAdapter()));
    HttpResponse<String> anonymous = server.send(HttpRequest.newBuilder(java.net.URI.create(server.base + "/metrics"))
        .GET().build());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(TestServer.json(anonymous).get("type").asText()).isEqualTo("urn:sandbox-agent:error:token_invalid");
    HttpResponse<String> wrong = server.send(HttpRequest.newBuilder(java.net.URI.create(server.base + "/metrics"))
        .header("Authorization", "Bearer nope").GET().build());
    assertThat(wrong.statusCode()).isEqualTo(401);

    Exposition e = scrape();
    assertThat(e.count("sandbox_agent_http_requests_total", "method", "GET", "route", "/metrics", "status", "401"))
        .isEqualTo(2);

    for (String probe : List.of("/v1/health/live", "/v1/health/ready", "/v1/health")) {
      HttpResponse<String> r = server.send(HttpRequest.newBuilder(java.net.URI.create(server.base + probe))
          .GET().build());
      assertThat(r.statusCode()).as(probe).isEqualTo(200);
      assertThat(r.body()).as(probe).isEqualTo("{\"status\":\"ok\"}");
    }
    assertThat(server.send(server.request("/metrics").DELETE().build()).statusCode()).isEqualTo(405);
  }
}
