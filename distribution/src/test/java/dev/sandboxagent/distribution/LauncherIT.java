package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's process lifecycle: refusing bad command lines, and a clean stop with streams open. */
@Timeout(120)
class LauncherIT {

  @TempDir Path work;

  private int runToExit(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString());
    pb.command().addAll(java.util.List.of(args));
    pb.environment().remove("SANDBOX_TOKEN");
    // A daemon that gets as far as its data directory uses one of the test's, never the user's.
    pb.environment().put("XDG_DATA_HOME", work.resolve("data").toString());
    pb.redirectErrorStream(true).redirectOutput(work.resolve("out.log").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void refusesToStartWithoutATokenDecision() throws Exception {
    assertThat(runToExit("server", "--port", "0")).isEqualTo(2);
    assertThat(Files.readString(work.resolve("out.log"))).contains("missing --token or --no-token for server mode");
    assertThat(runToExit("server", "--no-token", "--port", "notaport")).isEqualTo(2);
    assertThat(runToExit("server", "--no-token", "--cors-allow-credentials")).isEqualTo(2);
    assertThat(runToExit()).isEqualTo(2);
    assertThat(runToExit("--bogus")).isEqualTo(2);
  }

  @Test
  void tokenOptionsThatContradictEachOtherAreRefused() throws Exception {
    assertThat(runToExit("server", "--token", "t0k3n", "--no-token")).isEqualTo(2);
    assertThat(Files.readString(work.resolve("out.log"))).contains("'--token <TOKEN>' cannot be used with '--no-token'")
        .doesNotContain("t0k3n");
    assertThat(runToExit("-t", "t0k3n", "server", "-n")).isEqualTo(2);
    assertThat(runToExit("server", "--no-token", "--token", "t0k3n")).isEqualTo(2);
  }

  @Test
  void tokenFromTheEnvironmentOrAFileStaysOutOfTheCommandLine() throws Exception {
    Path file = Files.writeString(work.resolve("token"), "file-t0k3n\n");
    requiresTokenNotInCommandLine(Launcher.start(Files.createDirectories(work.resolve("env")), "env-t0k3n",
        List.of(), List.of(), Map.of("SANDBOX_TOKEN", "env-t0k3n")));
    requiresTokenNotInCommandLine(Launcher.start(Files.createDirectories(work.resolve("file")), "file-t0k3n",
        List.of("--token-file", file.toString()), List.of(), Map.of()));
  }

  private static void requiresTokenNotInCommandLine(Launcher daemon) throws Exception {
    try (daemon) {
      assertThat(daemon.get("/v1/agents").statusCode()).isEqualTo(200);
      HttpResponse<String> anonymous = daemon.http.send(
          HttpRequest.newBuilder(URI.create(daemon.base + "/v1/agents")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      String commandLine = Files.readString(Path.of("/proc", String.valueOf(daemon.process.pid()), "cmdline"));
      assertThat(commandLine).contains("dev.sandboxagent.host.Main").doesNotContain(daemon.token);
      assertThat(Files.readString(daemon.log)).contains("(auth on)").doesNotContain(daemon.token);
    }
  }

  @Test
  void portInUseEndsTheDaemonWithOneClearLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(runToExit("server", "--no-token", "--port", String.valueOf(port))).isEqualTo(1);
      String out = Files.readString(work.resolve("out.log"));
      assertThat(out).contains("error: address 127.0.0.1:" + port + " is already in use")
          .doesNotContain("Exception").doesNotContain("SEVERE").doesNotContain("listening");
    }
  }

  @Test
  void logTimesAreUtcInAnyTimeZone() throws Exception {
    Instant before = Instant.now();
    try (Launcher daemon = Launcher.start(work, "t0k3n", List.of(), Map.of("TZ", "Asia/Tokyo"))) {
      // The line is written just after the server answers: wait for it.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      String line = null;
      while (line == null && System.nanoTime() < deadline) {
        line = Files.readAllLines(daemon.log).stream().filter(l -> l.contains("server listening on"))
            .findFirst().orElse(null);
        Thread.sleep(50);
      }
      assertThat(line).as("the daemon's log line").isNotNull();
      Instant logged = Instant.parse(line.substring(0, line.indexOf(' ')));
      assertThat(logged).isBetween(before.minusSeconds(60), Instant.now().plusSeconds(60));
    }
  }

  @Test
  void jsonLogLinesAtTheChosenLevelWithoutTheToken() throws Exception {
    String token = "s3cret-t0ken-value";
    try (Launcher daemon = Launcher.start(work, token, List.of("--log-format", "json", "--log-level", "debug"),
        Map.of())) {
      assertThat(daemon.post("/v1/sessions/logged", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
      HttpResponse<String> refused = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/v1/sessions"))
          .header("Authorization", "Bearer " + token + "-wrong").GET().build());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(daemon.stop()).isZero();
      List<String> lines = Files.readAllLines(daemon.log).stream().filter(l -> !l.isBlank()).toList();
      List<JsonNode> records = new ArrayList<>();
      for (String line : lines) {
        if (line.startsWith("{")) {
          records.add(Launcher.JSON.readTree(line));
        }
      }
      assertThat(records).as("the log lines: %s", lines).isNotEmpty()
          .allSatisfy(r -> assertThat(r.has("time") && r.has("level") && r.has("logger") && r.has("message")).isTrue());
      assertThat(records).anySatisfy(r -> assertThat(r.get("message").asText()).contains("server listening on"));
      assertThat(records).as("debug lines").anySatisfy(r -> assertThat(r.get("level").asText()).isEqualTo("DEBUG"));
      assertThat(String.join("\n", lines)).doesNotContain(token);
    }
    // At warn, the daemon's start-up lines are not written; it answers all the same.
    int port;
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path quiet = work.resolve("quiet.log");
    ProcessBuilder pb = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString(), "server", "--no-token",
        "--port", String.valueOf(port), "--log-level", "warn");
    pb.environment().put("XDG_DATA_HOME", work.resolve("quiet-data").toString());
    Process daemon = pb.redirectErrorStream(true).redirectOutput(quiet.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/health")).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int status = 0;
      while (status != 200 && System.nanoTime() < deadline) {
        try {
          status = http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      assertThat(status).isEqualTo(200);
    } finally {
      daemon.destroy();
      assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(quiet)).doesNotContain(" INFO ").doesNotContain("server listening on");
    assertThat(runToExit("server", "--no-token", "--log-level", "loud")).isEqualTo(2);
    assertThat(Files.readString(work.resolve("out.log"))).contains("invalid value 'loud' for '--log-level'");
  }

  @Test
  @Timeout(300)
  void memoryTakenInABurstIsReturnedWhenQuiet() throws Exception {
    try (Launcher daemon = Launcher.start(work, "t0k3n")) {
      long pid = daemon.process.pid();
      assertThat(daemon.post("/v1/sessions/burst", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
      long idle = statusKb(pid, "VmRSS");
      String chunk = "x".repeat(1_000_000);
      for (int i = 0; i < 10; i++) {
        assertThat(daemon.post("/v1/sessions/burst/messages", "{\"message\":\"echo " + i + " " + chunk + "\"}")
            .statusCode()).isLessThan(300);
      }
      daemon.post("/v1/sessions/burst/messages", "{\"message\":\"echo end-of-burst\"}");
      String last = "\"text\":\"end-of-burst\"}],\"status\":\"completed\"";
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        List<java.util.concurrent.Future<?>> readers = new java.util.ArrayList<>();
        for (int r = 0; r < 10; r++) {
          readers.add(pool.submit(() -> readUntil(daemon, "/v1/sessions/burst/events/sse?offset=0", last)));
        }
        for (var reader : readers) {
          reader.get();
        }
      }
      // The fan-out's garbage is more than the log it replays: when quiet, at least half of what the
      // burst added is given back (or what is left is within 128 MB of the idle figure).
      long peak = statusKb(pid, "VmHWM");
      long bound = idle + Math.max(128 * 1024, (peak - idle) / 2);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long now = statusKb(pid, "VmRSS");
      while (now > bound && System.nanoTime() < deadline) {
        Thread.sleep(500);
        now = statusKb(pid, "VmRSS");
      }
      assertThat(now).as("RSS in kB (idle %d, peak %d)", idle, peak).isLessThanOrEqualTo(bound);
    }
  }

  private static Void readUntil(Launcher daemon, String path, String marker) throws Exception {
    HttpResponse<InputStream> sse = daemon.http.send(daemon.request(path).timeout(java.time.Duration.ofMinutes(3))
        .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    byte[] buffer = new byte[65536];
    String tail = "";
    try (InputStream in = sse.body()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        String seen = tail + new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (seen.contains(marker)) {
          return null;
        }
        tail = seen.substring(Math.max(0, seen.length() - marker.length()));
      }
    }
    throw new AssertionError("the stream ended before " + marker);
  }

  /** A figure of /proc/PID/status, such as VmRSS, in kB. */
  private static long statusKb(long pid, String field) throws Exception {
    return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
        .filter(l -> l.startsWith(field + ":")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
        .findFirst().orElseThrow();
  }

  @Test
  void stopsPromptlyOnSigtermWithAnOpenStreamAndLeavesNoProcess() throws Exception {
    Launcher daemon = Launcher.start(work, "t0k3n");
    assertThat(daemon.post("/v1/sessions/live", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
    daemon.post("/v1/sessions/live/messages", "{\"message\":\"demo\"}");
    HttpResponse<InputStream> sse = daemon.http.send(daemon.request("/v1/sessions/live/events/sse").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(sse.statusCode()).isEqualTo(200);
    assertThat(sse.body().read()).isNotEqualTo(-1);
    long pid = daemon.process.pid();
    long start = System.nanoTime();
    int exit = daemon.stop();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(exit).isZero();
    assertThat(millis).as("shutdown time in ms").isLessThan(15_000);
    assertThat(ProcessHandle.of(pid)).isEmpty();
    sse.body().close();
  }
}
