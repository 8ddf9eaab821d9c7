import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load driver for the shipped daemon, run as a separate process against its launcher (and, when it
 * can be fetched, the reference daemon on the operations both have). Prints a table and writes it as
 * JSON. JDK APIs only, so it runs from source: {@code java benchmarks/LoadDriver.java <launcher>
 * <work dir> [reference binary]}.
 */
public class LoadDriver {

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  static final Map<String, Object> results = new LinkedHashMap<>();
  static Path work;

  public static void main(String[] args) throws Exception {
    Path launcher = Path.of(args[0]);
    work = Path.of(args[1]);
    // A fresh directory: the daemons store their sessions, and a restored earlier run would count.
    deleteTree(work);
    Files.createDirectories(work);
    Path reference = args.length > 2 ? Path.of(args[2]) : null;

    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
    List<String> daemon = List.of(launcher.toString(), "server", "--no-token", "--no-telemetry");
    Map<String, Object> ours = measure("sandbox-agent (JVM)", daemon, true);
    results.put("daemon", ours);
    List<String> ephemeralDaemon = new ArrayList<>(daemon);
    ephemeralDaemon.add("--ephemeral");
    Map<String, Object> ephemeral = measure("sandbox-agent (JVM), --ephemeral", ephemeralDaemon, true);
    results.put("daemonEphemeral", ephemeral);
    persisted(daemon, ours);
    printDurableCost(ours, ephemeral);
    if (reference != null && Files.isRegularFile(reference)) {
      Files.setPosixFilePermissions(reference, PosixFilePermissions.fromString("rwxr-xr-x"));
      Map<String, Object> ref = measure("reference 0.4.2 (Rust)", List.of(reference.toString(), "server", "--no-token",
          "--no-telemetry"), false);
      results.put("reference", ref);
      printRatios(ours, ref);
    } else {
      System.out.println("reference daemon not available: only this daemon's figures are shown");
    }
    Files.writeString(work.resolve("results.json"), json(results));
    System.out.println("written: " + work.resolve("results.json"));
  }

  static Map<String, Object> measure(String name, List<String> command, boolean full) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    System.out.println();
    System.out.println("== " + name);
    List<Double> starts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (Daemon d = Daemon.start(command, "start-" + i)) {
        starts.add(d.startMillis);
      }
    }
    Collections.sort(starts);
    r.put("startToHealthyMsMedian", median(starts));
    r.put("startToHealthyMsMin", starts.get(0));
    row("start to first healthy /v1/health (median of 10)", "%.0f ms (min %.0f, max %.0f)", median(starts), starts.get(0),
        starts.get(starts.size() - 1));
    try (Daemon d = Daemon.start(command, "main")) {
      Thread.sleep(1000);
      long idle = d.rssKb();
      r.put("idleRssMb", idle / 1024.0);
      row("idle RSS", "%.1f MB", idle / 1024.0);
      double rps = healthThroughput(d.base, 64, Duration.ofSeconds(5));
      r.put("healthRequestsPerSecond", rps);
      row("/v1/health throughput (64 keep-alive connections, 5 s)", "%.0f req/s", rps);
      if (!full) {
        List<Double> latencies = referenceFirstEventLatency(d.base, 200);
        r.put("firstEventMsP50", percentile(latencies, 50));
        r.put("firstEventMsP99", percentile(latencies, 99));
        row("post message -> first SSE event, mock via /opencode (200 turns)", "p50 %.2f ms, p99 %.2f ms",
            percentile(latencies, 50), percentile(latencies, 99));
      }
      if (full) {
        List<Double> latencies = firstEventLatency(d.base, 200);
        r.put("firstEventMsP50", percentile(latencies, 50));
        r.put("firstEventMsP99", percentile(latencies, 99));
        row("post message -> first SSE event, mock (200 turns)", "p50 %.2f ms, p99 %.2f ms", percentile(latencies, 50),
            percentile(latencies, 99));
        double[] stream = streamThroughput(d.base);
        r.put("eventsPerSecondOneClient", stream[0]);
        r.put("eventsPerSecond100Subscribers", stream[1]);
        r.put("eventsStreamed", stream[2]);
        row("events/s, one session -> one SSE client", "%.0f events/s (%,.0f-event log)", stream[0], stream[2]);
        row("events/s, one session -> 100 SSE subscribers (total)", "%.0f events/s", stream[1]);
        long before = d.rssKb();
        int sessions = 1000;
        long after = thousandSessions(d, sessions);
        r.put("rssWith1000SessionsMb", after / 1024.0);
        r.put("kbPerIdleSession", (after - before) / (double) sessions);
        row("RSS with 1,000 mock sessions each with an SSE subscriber", "%.1f MB (%.1f KB per session)", after / 1024.0,
            (after - before) / (double) sessions);
      }
    }
    return r;
  }

  /**
   * Events persisted per second, sustained: sessions of the mock fill their logs with concurrent
   * messages for as long as it takes; the daemon is then killed (SIGKILL) and started again on the
   * same data directory, and the events it serves are those that reached the disk.
   */
  static void persisted(List<String> command, Map<String, Object> r) throws Exception {
    System.out.println();
    System.out.println("== sandbox-agent (JVM), events reaching the disk");
    for (int sessions : new int[] {1, 100}) {
      String name = "persist-" + sessions;
      int messages = sessions == 1 ? 400 : 4;
      int recorded = 0;
      double seconds;
      try (Daemon d = Daemon.start(command, name)) {
        for (int s = 0; s < sessions; s++) {
          post(d.base + "/v1/sessions/p" + s, "{\"agent\":\"mock\"}");
        }
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          List<Future<?>> sent = new ArrayList<>();
          for (int s = 0; s < sessions; s++) {
            String url = d.base + "/v1/sessions/p" + s + "/messages";
            for (int i = 0; i < messages; i++) {
              sent.add(pool.submit(() -> post(url, "{\"message\":\"Reply with exactly the single word OK.\"}")));
            }
          }
          for (Future<?> f : sent) {
            f.get();
          }
        }
        for (int s = 0; s < sessions; s++) {
          recorded += awaitEvents(d.base, "p" + s, 1 + messages * 6);
        }
        seconds = (System.nanoTime() - start) / 1e9;
        d.process.destroyForcibly().waitFor();
      }
      int stored = 0;
      try (Daemon d = Daemon.start(command, name)) {
        for (int s = 0; s < sessions; s++) {
          stored += storedEvents(d.base, "p" + s);
        }
      }
      String key = sessions == 1 ? "persistedEventsPerSecondOneSession" : "persistedEventsPerSecond100Sessions";
      r.put(key, stored / seconds);
      r.put(key + "Stored", stored);
      r.put(key + "Recorded", recorded);
      row("events/s persisted, " + (sessions == 1 ? "one session" : "100 sessions") + " (SIGKILL, restart)",
          "%.0f events/s (%,d of %,d recorded events on disk)", stored / seconds, stored, recorded);
    }
  }

  /** The last sequence of a session's log, read page by page from the start. */
  static int storedEvents(String base, String session) throws Exception {
    int last = 0;
    while (true) {
      String body = get(base + "/v1/sessions/" + session + "/events?offset=" + last + "&limit=1000");
      Matcher m = Pattern.compile("\"sequence\":(\\d+)").matcher(body);
      int before = last;
      while (m.find()) {
        last = Math.max(last, Integer.parseInt(m.group(1)));
      }
      if (last == before) {
        return last;
      }
    }
  }

  /** What durability costs: the default durable daemon against --ephemeral, measured in the same run. */
  static void printDurableCost(Map<String, Object> durable, Map<String, Object> ephemeral) {
    System.out.println();
    System.out.println("== durable (default) / --ephemeral, same machine, same run");
    double start = ((Number) durable.get("startToHealthyMsMedian")).doubleValue()
        - ((Number) ephemeral.get("startToHealthyMsMedian")).doubleValue();
    results.put("durableCost.startMs", start);
    System.out.printf(Locale.ROOT, "  %-58s %+.0f ms (target: within 30 ms)%n", "start to first healthy", start);
    durableRatio("events/s, one session -> one SSE client", durable, ephemeral, "eventsPerSecondOneClient", false);
    durableRatio("events/s, one session -> 100 SSE subscribers", durable, ephemeral, "eventsPerSecond100Subscribers",
        false);
    durableRatio("first-event latency p50", durable, ephemeral, "firstEventMsP50", true);
    durableRatio("first-event latency p99", durable, ephemeral, "firstEventMsP99", true);
    durableRatio("RSS with 1,000 sessions", durable, ephemeral, "rssWith1000SessionsMb", true);
    durableRatio("idle RSS", durable, ephemeral, "idleRssMb", true);
  }

  static void durableRatio(String label, Map<String, Object> durable, Map<String, Object> ephemeral, String key,
      boolean lowerIsBetter) {
    double ratio = ((Number) durable.get(key)).doubleValue() / ((Number) ephemeral.get(key)).doubleValue();
    results.put("durableCost." + key, ratio);
    System.out.printf(Locale.ROOT, "  %-58s %.2fx (target: %s)%n", label, ratio,
        lowerIsBetter ? "at most 1.20x" : "at least 0.80x");
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static void printRatios(Map<String, Object> ours, Map<String, Object> ref) {
    System.out.println();
    System.out.println("== ratios (this daemon / reference, same machine, same run)");
    ratio("start to first healthy (lower is better)", ours, ref, "startToHealthyMsMedian");
    ratio("idle RSS (lower is better)", ours, ref, "idleRssMb");
    ratio("/v1/health throughput (higher is better)", ours, ref, "healthRequestsPerSecond");
    ratio("first-event latency p50 (lower is better)", ours, ref, "firstEventMsP50");
    ratio("first-event latency p99 (lower is better)", ours, ref, "firstEventMsP99");
  }

  static void ratio(String label, Map<String, Object> ours, Map<String, Object> ref, String key) {
    double a = ((Number) ours.get(key)).doubleValue();
    double b = ((Number) ref.get(key)).doubleValue();
    results.put("ratio." + key, a / b);
    System.out.printf(Locale.ROOT, "  %-58s %.2fx%n", label, a / b);
  }

  static void row(String label, String format, Object... values) {
    System.out.printf(Locale.ROOT, "  %-58s " + format + "%n", prepend(label, values));
  }

  static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /**
   * Requests on {@code connections} keep-alive connections, one at a time each, for {@code
   * duration}. A minimal HTTP/1.1 client over plain sockets keeps the driver's own CPU share small
   * (both daemons share the machine with it), so the figure is the daemon's, not the client's.
   */
  static double healthThroughput(String base, int connections, Duration duration) throws Exception {
    AtomicLong count = new AtomicLong();
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    byte[] request = Raw.request("GET", "/v1/health", null);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      threads.add(Thread.ofVirtual().start(() -> {
        while (!stop.get()) {
          try (Raw raw = new Raw(base)) {
            while (!stop.get()) {
              if (raw.exchange(request) == 200 && measuring.get()) {
                count.incrementAndGet();
              }
            }
          } catch (IOException e) {
            // counted as not served; reconnect
          }
        }
      }));
    }
    Thread.sleep(1000);
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(duration.toMillis());
    measuring.set(false);
    double seconds = (System.nanoTime() - start) / 1e9;
    stop.set(true);
    for (Thread t : threads) {
      t.join(5000);
    }
    return count.get() / seconds;
  }

  /**
   * From the first byte of the message's POST to the first {@code data:} line of an SSE stream
   * opened before it, over plain sockets (the POST's own reply may come later: it is read after).
   */
  static List<Double> firstEventLatency(String base, int turns) throws Exception {
    post(base + "/v1/sessions/latency", "{\"agent\":\"mock\"}");
    List<Double> latencies = new ArrayList<>();
    int last = awaitEvents(base, "latency", 1);
    byte[] message = Raw.request("POST", "/v1/sessions/latency/messages",
        "{\"message\":\"Reply with exactly the single word OK.\"}");
    try (Raw poster = new Raw(base)) {
      for (int i = 0; i < turns + 20; i++) {
        try (Raw sse = new Raw(base)) {
          sse.write(Raw.request("GET", "/v1/sessions/latency/events/sse?offset=" + last, null));
          sse.readHeaders();
          // a stuck stream must not stall the run
          sse.socket.setSoTimeout(10_000);
          long start = System.nanoTime();
          poster.write(message);
          String line;
          while ((line = sse.readLine()) != null && !line.startsWith("data:")) {
            // comments, ids, event names, chunk sizes
          }
          double ms = (System.nanoTime() - start) / 1e6;
          if (poster.readResponse() != 204) {
            throw new IllegalStateException("message not accepted");
          }
          if (i >= 20) {
            latencies.add(ms); // the first turns warm the JIT up
          }
        }
        // the turn's six events: the next one starts from a quiet session
        last = awaitEvents(base, "latency", last + 6);
      }
    }
    Collections.sort(latencies);
    return latencies;
  }

  /**
   * The reference's mock is reached through its OpenCode-compatible routes: a session, its event
   * stream and an asynchronous prompt to the {@code mock-fast} model. The first event after the
   * prompt is the user message's {@code message.updated}, recorded before any reply delay, as this
   * daemon's first event is the user message's; the turn's end ({@code session.idle}) is awaited
   * before the next one.
   */
  static List<Double> referenceFirstEventLatency(String base, int turns) throws Exception {
    String session = post(base + "/opencode/session", "{}");
    Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(session);
    if (!id.find()) {
      throw new IllegalStateException("no session id in " + session);
    }
    byte[] prompt = Raw.request("POST", "/opencode/session/" + id.group(1) + "/prompt_async",
        "{\"parts\":[{\"type\":\"text\",\"text\":\"Reply with exactly the single word OK.\"}],"
            + "\"model\":{\"providerID\":\"mock\",\"modelID\":\"mock-fast\"}}");
    List<Double> latencies = new ArrayList<>();
    try (Raw poster = new Raw(base)) {
      for (int i = 0; i < turns + 20; i++) {
        try (Raw sse = new Raw(base)) {
          sse.write(Raw.request("GET", "/opencode/event", null));
          sse.readHeaders();
          sse.socket.setSoTimeout(10_000);
          long start = System.nanoTime();
          poster.write(prompt);
          String line;
          // the stream's own greeting events and heartbeats are not the turn's
          while ((line = sse.readLine()) != null && !(line.startsWith("data:") && !line.contains("\"server.connected\"")
              && !line.contains("\"worktree.ready\"") && !line.contains("\"server.heartbeat\""))) {
            // comments, ids, chunk sizes
          }
          double ms = (System.nanoTime() - start) / 1e6;
          int status = poster.readResponse();
          if (status / 100 != 2) {
            throw new IllegalStateException("prompt not accepted: " + status);
          }
          if (i >= 20) {
            latencies.add(ms);
          }
          while ((line = sse.readLine()) != null && !line.contains("\"session.idle\"")) {
            // the rest of the turn
          }
        }
      }
    }
    Collections.sort(latencies);
    return latencies;
  }

  static int awaitEvents(String base, String session, int atLeast) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String body = get(base + "/v1/sessions/" + session + "/events?offset=" + (atLeast - 1) + "&limit=1000");
      Matcher m = Pattern.compile("\"sequence\":(\\d+)").matcher(body);
      int last = 0;
      while (m.find()) {
        last = Integer.parseInt(m.group(1));
      }
      if (last >= atLeast) {
        return last;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("session " + session + " did not reach " + atLeast + " events");
  }

  /** Events per second delivered in total while {@code subscribers} clients read the whole log at once. */
  static double fanOut(String base, int subscribers, int total) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    AtomicLong events = new AtomicLong();
    long start;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> readers = new ArrayList<>();
      for (int i = 0; i < subscribers; i++) {
        readers.add(pool.submit(() -> {
          go.await();
          events.addAndGet(readSse(base + "/v1/sessions/stream/events/sse?offset=0", total));
          return null;
        }));
      }
      start = System.nanoTime();
      go.countDown();
      for (Future<?> f : readers) {
        f.get();
      }
    }
    return events.get() / ((System.nanoTime() - start) / 1e9);
  }

  /** Fills one session's log with concurrent messages, then streams it to one and to 100 clients. */
  static double[] streamThroughput(String base) throws Exception {
    post(base + "/v1/sessions/stream", "{\"agent\":\"mock\"}");
    int messages = 400;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < messages; i++) {
        sent.add(pool.submit(() -> post(base + "/v1/sessions/stream/messages", "{\"message\":\"Reply with exactly the single word OK.\"}")));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
    int total = awaitEvents(base, "stream", 1 + messages * 6);
    Thread.sleep(1500);
    total = awaitEvents(base, "stream", total);
    // one client: read the whole log over SSE several times (the first run warms up)
    double best = 0;
    for (int round = 0; round < 6; round++) {
      long start = System.nanoTime();
      int n = readSse(base + "/v1/sessions/stream/events/sse?offset=0", total);
      double rate = n / ((System.nanoTime() - start) / 1e9);
      if (round > 0) {
        best = Math.max(best, rate);
      }
    }
    // 100 subscribers at once, three times (one round on a shared machine says little)
    double fanout = 0;
    for (int round = 0; round < 3; round++) {
      fanout = Math.max(fanout, fanOut(base, 100, total));
    }
    return new double[] {best, fanout, total};
  }

  static int readSse(String url, int until) throws Exception {
    HttpResponse<InputStream> sse = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    int n = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data:")) {
          n++;
          if (n >= until) {
            break;
          }
        }
      }
    }
    return n;
  }

  static long thousandSessions(Daemon d, int sessions) throws Exception {
    List<InputStream> streams = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        int k = i;
        done.add(pool.submit(() -> {
          post(d.base + "/v1/sessions/idle-" + k, "{\"agent\":\"mock\"}");
          HttpResponse<InputStream> sse = HTTP.send(HttpRequest.newBuilder(URI.create(d.base + "/v1/sessions/idle-" + k
              + "/events/sse")).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
          sse.body().read(); // the first frame: the subscription is live
          streams.add(sse.body());
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    Thread.sleep(2000);
    long rss = d.rssKb();
    for (InputStream s : streams) {
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    }
    return rss;
  }

  static String get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static String post(String url, String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static double median(List<Double> sorted) {
    return percentile(sorted, 50);
  }

  static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  static String json(Object value) {
    if (value instanceof Map<?, ?> map) {
      List<String> fields = new ArrayList<>();
      map.forEach((k, v) -> fields.add("\"" + k + "\": " + json(v)));
      return "{" + String.join(", ", fields) + "}";
    }
    if (value instanceof Number n) {
      return String.format(Locale.ROOT, "%.3f", n.doubleValue());
    }
    return "\"" + value + "\"";
  }

  /** A daemon process on a free port, with its start-to-healthy time. */
  static final class Daemon implements AutoCloseable {
    final Process process;
    final String base;
    final double startMillis;

    private Daemon(Process process, String base, double startMillis) {
      this.process = process;
      this.base = base;
      this.startMillis = startMillis;
    }

    static Daemon start(List<String> command, String name) throws Exception {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      Path dir = Files.createDirectories(work.resolve(name));
      List<String> full = new ArrayList<>(command);
      full.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(port)));
      ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("daemon.log").toFile());
      pb.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
      pb.environment().put("RUST_LOG", "warn");
      String base = "http://127.0.0.1:" + port;
      byte[] health = Raw.request("GET", "/v1/health", null);
      long start = System.nanoTime();
      Process p = pb.start();
      long deadline = start + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        // polled every millisecond over a plain socket: a refused connection costs microseconds
        try (Raw raw = new Raw(base)) {
          raw.socket.setSoTimeout(1000);
          if (raw.exchange(health) == 200) {
            return new Daemon(p, base, (System.nanoTime() - start) / 1e6);
          }
        } catch (IOException e) {
          Thread.sleep(1);
        }
        if (!p.isAlive()) {
          throw new IllegalStateException(name + " exited: " + Files.readString(dir.resolve("daemon.log")));
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException(name + " not healthy in 60 s");
    }

    long rssKb() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return -1;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** A minimal HTTP/1.1 client connection over a plain socket: requests one at a time, keep-alive. */
  static final class Raw implements AutoCloseable {
    final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Raw(String base) throws IOException {
      URI uri = URI.create(base);
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    static byte[] request(String method, String path, String json) {
      StringBuilder b = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      if (json != null) {
        b.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
      }
      byte[] head = b.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      return all;
    }

    void write(byte[] request) throws IOException {
      out.write(request);
      out.flush();
    }

    /** Sends a request and reads its whole response; returns the status. */
    int exchange(byte[] request) throws IOException {
      write(request);
      return readResponse();
    }

    /** Reads a response's head; returns the status and leaves the body unread. */
    int readHeaders() throws IOException {
      return head()[0];
    }

    /** Reads a whole response (Content-Length or chunked body); returns the status. */
    int readResponse() throws IOException {
      int[] head = head();
      if (head[1] >= 0) {
        in.skipNBytes(head[1]);
      } else if (head[2] == 1) {
        while (true) {
          int size = Integer.parseInt(readLine().strip(), 16);
          in.skipNBytes(size);
          readLine();
          if (size == 0) {
            break;
          }
        }
      }
      return head[0];
    }

    /** {status, content length or -1, chunked 1/0}. */
    private int[] head() throws IOException {
      String status = readLine();
      if (status == null) {
        throw new IOException("connection closed");
      }
      int code = Integer.parseInt(status.substring(9, 12));
      int length = -1;
      int chunked = 0;
      String line;
      while ((line = readLine()) != null && !line.isEmpty()) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring(15).strip());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = 1;
        }
      }
      if (code == 204 || code == 304) {
        length = 0;
      }
      return new int[] {code, length, chunked};
    }

    /** One line without its CRLF, or null at the end of the stream. */
    String readLine() throws IOException {
      StringBuilder line = new StringBuilder(64);
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          int n = line.length();
          if (n > 0 && line.charAt(n - 1) == '\r') {
            line.setLength(n - 1);
          }
          return line.toString();
        }
        line.append((char) c);
      }
      return line.isEmpty() ? null : line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
