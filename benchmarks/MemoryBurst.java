import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's memory through a burst: starts the shipped launcher (with the caller's JAVA_OPTS and
 * SANDBOX_AGENT_JAVA_OPTS), fills one mock session's log with about 30 MB through {@code echo}
 * messages, has 10 SSE readers replay it from the start, and prints the resident set size (VmRSS of
 * /proc/PID/status) when idle, after the burst, and a minute later, with its peak (VmHWM) and the
 * time to the first healthy answer.
 *
 * <pre>java benchmarks/MemoryBurst.java distribution/target/sandbox-agent/bin/sandbox-agent [seconds-after]</pre>
 */
public class MemoryBurst {

  public static void main(String[] args) throws Exception {
    Path launcher = Path.of(args[0]).toAbsolutePath();
    int after = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path work = Files.createTempDirectory("memory-burst");
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "server", "--no-token", "--port", String.valueOf(port),
        "--install-dir", work.resolve("install").toString())
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("daemon.log").toFile());
    pb.environment().put("XDG_DATA_HOME", work.resolve("data").toString());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + port;
    long started = System.nanoTime();
    Process daemon = pb.start();
    try {
      while (true) {
        try {
          if (http.send(HttpRequest.newBuilder(URI.create(base + "/v1/health")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException e) {
          if (!daemon.isAlive() || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
            throw new IllegalStateException("daemon did not start: " + Files.readString(work.resolve("daemon.log")));
          }
          Thread.sleep(10);
        }
      }
      long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      post(http, base + "/v1/sessions/burst", "{\"agent\":\"mock\"}");
      Thread.sleep(3000);
      long idle = kb(daemon.pid(), "VmRSS");

      String chunk = "x".repeat(1_000_000);
      for (int i = 0; i < 30; i++) {
        post(http, base + "/v1/sessions/burst/messages", "{\"message\":\"echo " + i + " " + chunk + "\"}");
      }
      post(http, base + "/v1/sessions/burst/messages", "{\"message\":\"echo " + MARKER + "\"}");
      long bytes = 0;
      try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Long>> readers = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
          readers.add(pool.submit(() -> read(http, base + "/v1/sessions/burst/events/sse?offset=0")));
        }
        for (Future<Long> reader : readers) {
          bytes += reader.get();
        }
      }
      long burst = kb(daemon.pid(), "VmRSS");
      long peak = kb(daemon.pid(), "VmHWM");
      Thread.sleep(after * 1000L);
      long later = kb(daemon.pid(), "VmRSS");
      System.out.printf("start to healthy %d ms; RSS idle %.1f MB, peak %.1f MB, after the burst %.1f MB,"
          + " %d s later %.1f MB (%d MB streamed to 10 readers)%n",
          startMillis, idle / 1024.0, peak / 1024.0, burst / 1024.0, after, later / 1024.0, bytes >> 20);
      // The heap as the JVM sees it then (committed and used), when the JDK's jcmd is at hand.
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      if (Files.isExecutable(jcmd)) {
        Process info = new ProcessBuilder(jcmd.toString(), String.valueOf(daemon.pid()), "GC.heap_info")
            .redirectErrorStream(true).start();
        String text = new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        info.waitFor();
        text.lines().filter(l -> l.contains("total") && l.contains("used")).limit(2)
            .forEach(l -> System.out.println("heap: " + l.strip()));
      }
    } finally {
      daemon.destroy();
      daemon.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static void post(HttpClient http, String url, String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(url + ": " + r.statusCode() + " " + r.body());
    }
  }

  /** Reads an event stream until the marker's turn has arrived; returns the bytes read. */
  private static long read(HttpClient http, String url) throws Exception {
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    long total = 0;
    byte[] buffer = new byte[65536];
    String tail = "";
    try (InputStream in = r.body()) {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          return total;
        }
        total += n;
        String seen = tail + new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        // The marker's echo is the last message: the completion of its answer ends the burst.
        if (seen.contains("\"text\":\"" + MARKER + "\"}],\"status\":\"completed\"")) {
          return total;
        }
        tail = seen.substring(Math.max(0, seen.length() - 200));
      }
    }
  }

  private static final String MARKER = "end-of-burst";

  private static long kb(long pid, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
  }
}
