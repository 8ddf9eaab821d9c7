package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.Main;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.http.AccessLog;
import dev.sandboxagent.host.http.CorsConfig;
import dev.sandboxagent.host.http.ScriptAdapter;
import dev.sandboxagent.host.http.TestServer;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log: a line per request with method, path, route, status, duration and tenant, in the
 * daemon's text or JSON log format, and never a token, whether sent in a header or a query.
 */
class AccessLogTest {

  private static final String TOKEN = "tok-3f9a1c77";
  private static final String QUERY_SECRET = "q-secret-5b2e";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String base, String path, String token, String method) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (method.equals("POST")) {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"agent\":\"script\"}"));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachRequestIsOneLineWithItsRouteStatusDurationAndTenantInTextAndInJson() throws Exception {
    Logger logger = Logger.getLogger(AccessLog.LOGGER_NAME);
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(capture);
    try (TestServer server = TestServer.start(tmp, TOKEN, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new ScriptAdapter()))) {
      assertThat(send(server.base, "/v1/sessions", TOKEN, "GET").statusCode()).isEqualTo(200);
      assertThat(records).as("off by default").isEmpty();
      AccessLog.enable(true);
      assertThat(send(server.base, "/v1/sessions/a1?token=" + QUERY_SECRET, TOKEN, "POST").statusCode())
          .isEqualTo(200);
      assertThat(send(server.base, "/v1/sessions/a1/events?offset=0&token=" + QUERY_SECRET, TOKEN, "GET")
          .statusCode()).isEqualTo(200);
      assertThat(send(server.base, "/v1/agents?token=" + TOKEN, null, "GET").statusCode()).isEqualTo(401);
      assertThat(send(server.base, "/v1/health", null, "GET").statusCode()).isEqualTo(200);
    } finally {
      AccessLog.enable(false);
      logger.removeHandler(capture);
    }

    assertThat(records).hasSize(4);
    LogSettings.JsonFormatter json = new LogSettings.JsonFormatter();
    UtcLogFormatter text = new UtcLogFormatter();
    List<JsonNode> lines = new ArrayList<>();
    for (LogRecord r : records) {
      String jsonLine = json.format(r);
      String textLine = text.format(r);
      assertThat(jsonLine + textLine).doesNotContain(TOKEN).doesNotContain(QUERY_SECRET).doesNotContain("?");
      assertThat(jsonLine).hasLineCount(1);
      lines.add(JSON.readTree(jsonLine));
    }
    assertThat(text.format(records.get(0))).matches(
        "\\S+Z INFO dev\\.sandboxagent\\.access: POST /v1/sessions/a1 200 \\d+\\.?\\d* ms"
            + " route=/v1/sessions/\\{sessionId}\\R");

    JsonNode create = lines.get(0);
    assertThat(create.get("level").asText()).isEqualTo("INFO");
    assertThat(create.get("logger").asText()).isEqualTo("dev.sandboxagent.access");
    assertThat(create.get("method").asText()).isEqualTo("POST");
    assertThat(create.get("path").asText()).isEqualTo("/v1/sessions/a1");
    assertThat(create.get("route").asText()).isEqualTo("/v1/sessions/{sessionId}");
    assertThat(create.get("status").asInt()).isEqualTo(200);
    assertThat(create.get("durationMs").isNumber()).isTrue();
    assertThat(create.get("durationMs").asDouble()).isNotNegative();
    assertThat(create.get("tenant").asText()).as("the daemon's own token").isEmpty();
    assertThat(lines.get(1).get("route").asText()).isEqualTo("/v1/sessions/{sessionId}/events");
    JsonNode refused = lines.get(2);
    assertThat(refused.get("status").asInt()).isEqualTo(401);
    assertThat(refused.get("route").asText()).isEqualTo("/v1/agents");
    assertThat(refused.get("tenant").isNull()).as("not authenticated").isTrue();
    assertThat(lines.get(3).get("route").asText()).isEqualTo("/v1/health");
  }

  @Test
  void theFlagTurnsItOnInTheDaemonsJsonLog() throws Exception {
    Path log = tmp.resolve("daemon.log");
    Files.createDirectories(tmp.resolve("plugins"));
    // as the launcher starts it: the SQLite driver needs native access
    List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server", "--port", "0",
        "--data-dir", tmp.resolve("data").toString(), "--plugins-dir", tmp.resolve("plugins").toString(),
        "--log-format", "json", "--access-log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SANDBOX_TOKEN", TOKEN);
    builder.environment().put("XDG_DATA_HOME", tmp.resolve("xdg").toString());
    builder.environment().remove("SANDBOX_AGENT_ACCESS_LOG");
    Process daemon = builder.start();
    try {
      String base = "http://127.0.0.1:" + awaitPort(log, daemon);
      assertThat(send(base, "/v1/sessions?token=" + QUERY_SECRET, TOKEN, "GET").statusCode()).isEqualTo(200);
      assertThat(send(base, "/metrics?token=" + TOKEN, null, "GET").statusCode()).isEqualTo(401);
      assertThat(send(base, "/metrics", TOKEN, "GET").statusCode()).isEqualTo(200);
    } finally {
      daemon.destroy();
      assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    String output = Files.readString(log);
    assertThat(output).doesNotContain(TOKEN).doesNotContain(QUERY_SECRET);
    List<JsonNode> access = new ArrayList<>();
    for (String line : output.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      if (node.path("logger").asText().equals(AccessLog.LOGGER_NAME)) {
        access.add(node);
      }
    }
    assertThat(access).extracting(n -> n.get("method").asText() + " " + n.get("path").asText() + " "
        + n.get("route").asText() + " " + n.get("status").asInt()).containsExactly(
            "GET /v1/sessions /v1/sessions 200", "GET /metrics /metrics 401", "GET /metrics /metrics 200");
  }

  /** The port the daemon logged it listens on. */
  private static int awaitPort(Path log, Process daemon) throws Exception {
    Pattern listening = Pattern.compile("server listening on 127\\.0\\.0\\.1:(\\d+)");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = listening.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertThat(daemon.isAlive()).as("the daemon runs: " + (Files.exists(log) ? Files.readString(log) : "")).isTrue();
      Thread.sleep(50);
    }
    throw new AssertionError("the daemon did not log its port: " + Files.readString(log));
  }
}
