package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the shipped daemon while the mock agent runs a turn (the exposition's
 * grammar is checked by the host's {@code MetricsTest}), and the probes without a token.
 */
@Timeout(120)
class MetricsIT {

  @TempDir Path work;

  /** The value of one series of the exposition, or 0 when it is absent. */
  private static double value(String exposition, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aTurnOfTheMockMovesTheCountersAndTheMetricsNeedTheToken() throws Exception {
    try (Launcher daemon = Launcher.start(work, "metrics-token")) {
      HttpResponse<String> anonymous = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/metrics"))
          .GET().build());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      for (String probe : new String[] {"/v1/health/live", "/v1/health/ready"}) {
        HttpResponse<String> r = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + probe)).GET().build());
        assertThat(r.statusCode()).as(probe).isEqualTo(200);
      }

      assertThat(daemon.post("/v1/sessions/mt", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
      assertThat(daemon.post("/v1/sessions/mt/messages", "{\"message\":\"Reply with exactly the single word OK.\"}")
          .statusCode()).isEqualTo(204);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String metrics = daemon.get("/metrics").body();
      int events = Launcher.json(daemon.get("/v1/sessions/mt/events")).get("events").size();
      while ((value(metrics, "sandbox_agent_turn_duration_seconds_count{agent=\"mock\"}") < 1
          || value(metrics, "sandbox_agent_events_recorded_total{agent=\"mock\"}") < events)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
        metrics = daemon.get("/metrics").body();
        events = Launcher.json(daemon.get("/v1/sessions/mt/events")).get("events").size();
      }
      assertThat(value(metrics, "sandbox_agent_sessions_created_total{agent=\"mock\",tenant=\"\"}")).isEqualTo(1);
      assertThat(value(metrics, "sandbox_agent_sessions_running{agent=\"mock\",tenant=\"\"}")).isEqualTo(1);
      assertThat(value(metrics, "sandbox_agent_turn_duration_seconds_count{agent=\"mock\"}")).isEqualTo(1);
      assertThat(value(metrics, "sandbox_agent_events_recorded_total{agent=\"mock\"}")).isEqualTo(events);
      assertThat(events).isGreaterThan(2);
      assertThat(value(metrics, "sandbox_agent_http_requests_total{method=\"POST\","
          + "route=\"/v1/sessions/{sessionId}/messages\",status=\"204\"}")).isEqualTo(1);
      assertThat(value(metrics, "sandbox_agent_http_requests_total{method=\"GET\",route=\"/metrics\","
          + "status=\"401\"}")).isEqualTo(1);
      assertThat(value(metrics, "sandbox_agent_plugin_load_failures")).isZero();
      assertThat(value(metrics, "jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
      // the mock runs inside the daemon: no process
      assertThat(value(metrics, "sandbox_agent_agent_processes_started_total{agent=\"mock\"}")).isZero();
    }
  }
}
