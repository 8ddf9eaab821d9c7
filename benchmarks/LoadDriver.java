import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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

    long openFiles = openFilesLimit();
    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version")
        + ", open files " + (openFiles == Long.MAX_VALUE ? "unlimited" : openFiles));
    List<String> daemon = List.of(launcher.toString(), "server", "--no-token", "--no-telemetry");
    Map<String, Object> ours = measure("sandbox-agent (JVM)", daemon, Kind.DURABLE);
    results.put("daemon", ours);
    List<String> ephemeralDaemon = new ArrayList<>(daemon);
    ephemeralDaemon.add("--ephemeral");
    Map<String, Object> ephemeral = measure("sandbox-agent (JVM), --ephemeral", ephemeralDaemon, Kind.EPHEMERAL);
    results.put("daemonEphemeral", ephemeral);
    persisted(daemon, ours);
    burst(daemon, ours);
    Map<String, Double> startCost = alternatedStarts(daemon, ephemeralDaemon);
    printDurableCost(ours, ephemeral, startCost);
    Map<String, Object> ref = null;
    if (reference != null && Files.isRegularFile(reference)) {
      Files.setPosixFilePermissions(reference, PosixFilePermissions.fromString("rwxr-xr-x"));
      List<String> referenceDaemon = List.of(reference.toString(), "server", "--no-token", "--no-telemetry");
      ref = measure("reference 0.4.2 (Rust)", referenceDaemon, Kind.REFERENCE);
      results.put("reference", ref);
      List<Map<String, Object>> side = sideBySide(daemon, referenceDaemon);
      results.put("sideBySide", Map.of("daemon", side.get(0), "reference", side.get(1)));
      // the ratios and targets compare the alternated figures; the other figures stay each daemon's own
      ours = new LinkedHashMap<>(ours);
      ours.putAll(side.get(0));
      ref = new LinkedHashMap<>(ref);
      ref.putAll(side.get(1));
      printRatios(ours, ref);
    } else {
      System.out.println();
      System.out.println("reference daemon not available: only this daemon's figures are shown");
    }
    printTargets(ours, ref, plugins(launcher));
    Files.writeString(work.resolve("results.json"), json(results));
    System.out.println("written: " + work.resolve("results.json"));
  }

  /** What is measured of a daemon: the reference on the operations both have. */
  enum Kind { DURABLE, EPHEMERAL, REFERENCE }

  /** Sessions held at once, each with an SSE subscriber (fewer when the open-file limit is lower). */
  static final int HELD_SESSIONS = 10_000;

  /**
   * How long the daemon may settle before its RSS with the held sessions is read: longer than two of
   * the launcher's periodic collection intervals (15 s), because the JVM checks whether one is due
   * once an interval and starts it only when the last whole-heap collection is an interval old, so
   * that it comes between 15 and 30 s after the sessions were opened; and longer than the daemon's
   * SSE keep-alive interval (15 s), so that every open stream sends bytes meanwhile.
   */
  static final Duration SETTLE = Duration.ofSeconds(31);

  static Map<String, Object> measure(String name, List<String> command, Kind kind) throws Exception {
    boolean full = kind != Kind.REFERENCE;
    Map<String, Object> r = new LinkedHashMap<>();
    System.out.println();
    System.out.println("== " + name);
    List<Double> starts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (Daemon d = Daemon.start(command, "start-" + kind.name().toLowerCase(Locale.ROOT) + "-" + i)) {
        starts.add(d.startMillis);
      }
    }
    Collections.sort(starts);
    r.put("startToHealthyMsMedian", median(starts));
    r.put("startToHealthyMsMin", starts.get(0));
    row("start to first healthy /v1/health (median of 10)", "%.0f ms (min %.0f, max %.0f)", median(starts), starts.get(0),
        starts.get(starts.size() - 1));
    try (Daemon d = Daemon.start(command, "main-" + kind.name().toLowerCase(Locale.ROOT))) {
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
      }
      if (kind != Kind.EPHEMERAL) {
        shortCommands(command.get(0), d.base, kind == Kind.REFERENCE, r);
      }
      if (full) {
        double[] stream = streamThroughput(d.base);
        r.put("eventsPerSecondOneClient", stream[0]);
        r.put("eventsPerSecondOneClientReadMedian", stream[3]);
        r.put("eventsPerSecondOneClientReadBest", stream[4]);
        r.put("eventsPerSecond100Subscribers", stream[1]);
        r.put("eventsStreamed", stream[2]);
        row("events/s, one session -> one SSE client (3 s of reads)", "%.0f events/s (%,.0f-event log; a read's median %.0f,"
            + " best %.0f)", stream[0], stream[2], stream[3], stream[4]);
        row("events/s, one session -> 100 SSE subscribers (total)", "%.0f events/s", stream[1]);
      }
    }
    if (full) {
      sessionsWithSubscribers(command, kind, kind == Kind.DURABLE ? heldSessions() : 1000, r);
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

  /**
   * Start-up of the durable daemon against --ephemeral, alternated start by start so that both see
   * the same machine: a first start (a new data directory), a restart (the data directory of the
   * previous starts, with its database and the SQLite library kept there) and an ephemeral start,
   * ten rounds. Returns the medians in milliseconds.
   */
  static Map<String, Double> alternatedStarts(List<String> durable, List<String> ephemeral) throws Exception {
    List<Double> first = new ArrayList<>();
    List<Double> restart = new ArrayList<>();
    List<Double> memory = new ArrayList<>();
    try (Daemon d = Daemon.start(durable, "alternated-restart")) {
      // the restarts' data directory exists from here on
    }
    for (int i = 0; i < 10; i++) {
      try (Daemon d = Daemon.start(durable, "alternated-first-" + i)) {
        first.add(d.startMillis);
      }
      try (Daemon d = Daemon.start(durable, "alternated-restart")) {
        restart.add(d.startMillis);
      }
      try (Daemon d = Daemon.start(ephemeral, "alternated-ephemeral-" + i)) {
        memory.add(d.startMillis);
      }
    }
    Collections.sort(first);
    Collections.sort(restart);
    Collections.sort(memory);
    Map<String, Double> medians = new LinkedHashMap<>();
    medians.put("first", median(first));
    medians.put("restart", median(restart));
    medians.put("ephemeral", median(memory));
    return medians;
  }

  /** Rounds of the side-by-side comparison with the reference: each daemon started anew for each. */
  static final int SIDE_BY_SIDE_ROUNDS = 3;

  /**
   * The figures compared with the reference, measured alternately, daemon after daemon, so that both
   * see the same machine (a shared machine's speed drifts by 2x within minutes, and the two
   * daemons' own sections are minutes apart): ten starts each, then {@link #SIDE_BY_SIDE_ROUNDS}
   * rounds in which each daemon, started anew, gives its idle RSS, its {@code /v1/health}
   * throughput and 70 first-event turns (after its 20 that warm up). Starts, idle RSS and
   * throughput are medians; the latency percentiles are over every round's turns. Returns this
   * daemon's figures and the reference's, under the keys of {@link #measure}.
   */
  static List<Map<String, Object>> sideBySide(List<String> ours, List<String> reference) throws Exception {
    System.out.println();
    System.out.println("== this daemon and the reference, alternated (" + SIDE_BY_SIDE_ROUNDS + " rounds; starts x10)");
    List<List<Double>> starts = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> idle = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> health = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<Double>> latency = List.of(new ArrayList<>(), new ArrayList<>());
    List<List<String>> commands = List.of(ours, reference);
    for (int i = 0; i < 10; i++) {
      for (int k = 0; k < 2; k++) {
        try (Daemon d = Daemon.start(commands.get(k), "side-start-" + k + "-" + i)) {
          starts.get(k).add(d.startMillis);
        }
      }
    }
    for (int round = 0; round < SIDE_BY_SIDE_ROUNDS; round++) {
      for (int k = 0; k < 2; k++) {
        try (Daemon d = Daemon.start(commands.get(k), "side-" + k + "-" + round)) {
          Thread.sleep(1000);
          idle.get(k).add(d.rssKb() / 1024.0);
          health.get(k).add(healthThroughput(d.base, 64, Duration.ofSeconds(5)));
          latency.get(k).addAll(k == 0 ? firstEventLatency(d.base, 70) : referenceFirstEventLatency(d.base, 70));
        }
      }
    }
    List<Map<String, Object>> figures = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      for (List<List<Double>> values : List.of(starts, idle, health, latency)) {
        Collections.sort(values.get(k));
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("startToHealthyMsMedian", median(starts.get(k)));
      r.put("idleRssMb", median(idle.get(k)));
      r.put("healthRequestsPerSecond", median(health.get(k)));
      r.put("firstEventMsP50", percentile(latency.get(k), 50));
      r.put("firstEventMsP99", percentile(latency.get(k), 99));
      figures.add(r);
      String name = k == 0 ? "this daemon" : "reference";
      row(name + ": start to first healthy (median of 10)", "%.0f ms", median(starts.get(k)));
      row(name + ": idle RSS (median)", "%.1f MB (rounds: %s)", median(idle.get(k)), rounded(idle.get(k), "%.1f"));
      row(name + ": /v1/health throughput (median)", "%.0f req/s (rounds: %s)", median(health.get(k)),
          rounded(health.get(k), "%.0f"));
      row(name + ": first event, " + latency.get(k).size() + " turns", "p50 %.2f ms, p99 %.2f ms",
          percentile(latency.get(k), 50), percentile(latency.get(k), 99));
    }
    return figures;
  }

  /** The values, sorted, each formatted, separated by commas. */
  static String rounded(List<Double> values, String format) {
    return String.join(", ", values.stream().map(v -> fmt(format, v)).toList());
  }

  /** What durability costs: the default durable daemon against --ephemeral, measured in the same run. */
  static void printDurableCost(Map<String, Object> durable, Map<String, Object> ephemeral, Map<String, Double> starts) {
    System.out.println();
    System.out.println("== durable (default) / --ephemeral, same machine, same run");
    double start = starts.get("first") - starts.get("ephemeral");
    double restart = starts.get("restart") - starts.get("ephemeral");
    results.put("durableCost.startMs", start);
    results.put("durableCost.restartMs", restart);
    results.put("durableCost.alternatedStartsMs", starts);
    System.out.printf(Locale.ROOT, "  %-58s %+.0f ms (%.0f against %.0f ms; target: within 30 ms)%n",
        "start to first healthy, new data directory (alternated x10)", start, starts.get("first"), starts.get("ephemeral"));
    System.out.printf(Locale.ROOT, "  %-58s %+.0f ms (%.0f against %.0f ms; target: within 30 ms)%n",
        "start to first healthy, restart on its data directory", restart, starts.get("restart"), starts.get("ephemeral"));
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
    System.out.println("== ratios (this daemon / reference, alternated, same machine, same run)");
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

  /**
   * The performance targets, one row each: this daemon's figure, the reference's where it has one,
   * the ratio or value compared, the target and whether it is met.
   */
  static void printTargets(Map<String, Object> ours, Map<String, Object> ref, int plugins) {
    System.out.println();
    System.out.println("== targets (ratios: this daemon / reference 0.4.2, alternated, same machine, same run)");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"figure", "this daemon", "reference 0.4.2", "measured", "target", "met"});
    boolean hasRef = ref != null;
    double start = num(ours, "startToHealthyMsMedian");
    double startRatio = hasRef ? start / num(ref, "startToHealthyMsMedian") : Double.NaN;
    rows.add(target("start", "start to first healthy, " + plugins + " plugins loaded", fmt("%.0f ms", start),
        hasRef ? fmt("%.0f ms", num(ref, "startToHealthyMsMedian")) : "-", hasRef ? fmt("%.2fx", startRatio) : "-",
        "ratio <= 5x", hasRef ? startRatio <= 5 : null));
    double idle = num(ours, "idleRssMb");
    double idleRatio = hasRef ? idle / num(ref, "idleRssMb") : Double.NaN;
    rows.add(target("idleRss", "idle RSS", fmt("%.1f MB", idle), hasRef ? fmt("%.1f MB", num(ref, "idleRssMb")) : "-",
        hasRef ? fmt("%.2fx", idleRatio) : "-", "<= 4x", hasRef ? idleRatio <= 4 : null));
    double health = num(ours, "healthRequestsPerSecond");
    double healthRatio = hasRef ? health / num(ref, "healthRequestsPerSecond") : Double.NaN;
    rows.add(target("health", "/v1/health throughput, 64 keep-alive connections", fmt("%,.0f req/s", health),
        hasRef ? fmt("%,.0f req/s", num(ref, "healthRequestsPerSecond")) : "-", hasRef ? fmt("%.2fx", healthRatio) : "-",
        ">= 2x", hasRef ? healthRatio >= 2 : null));
    double p50 = num(ours, "firstEventMsP50");
    double p99 = num(ours, "firstEventMsP99");
    double p50Ratio = hasRef ? p50 / num(ref, "firstEventMsP50") : Double.NaN;
    double p99Ratio = hasRef ? p99 / num(ref, "firstEventMsP99") : Double.NaN;
    rows.add(target("firstEvent", "first SSE event after a message, p50 and p99", fmt("%.2f, %.2f ms", p50, p99),
        hasRef ? fmt("%.2f, %.2f ms", num(ref, "firstEventMsP50"), num(ref, "firstEventMsP99")) : "-",
        hasRef ? fmt("%.2fx, %.2fx", p50Ratio, p99Ratio) : "-", "<= 1x", hasRef ? p50Ratio <= 1 && p99Ratio <= 1 : null));
    double events = num(ours, "eventsPerSecondOneClient");
    rows.add(target("eventsOneClient", "events/s, one session -> one SSE client", fmt("%,.0f", events), "-",
        fmt("%,.0f", events), ">= 250k", events >= 250_000));
    if (ours.containsKey("heldSessions")) {
      int held = (int) num(ours, "heldSessions");
      int live = (int) Math.min(num(ours, "heldSessionsLive"), num(ours, "heldSessionsStreaming"));
      double kb = num(ours, "kbPerHeldSession");
      double healthP99 = num(ours, "healthMsP99WithHeldSessions");
      rows.add(target("heldSessions", fmt("%,d mock sessions, each with an SSE subscriber", held),
          fmt("%,d live, %.1f MB, health p99 %.1f ms", live, num(ours, "rssWithHeldSessionsMb"), healthP99), "-",
          fmt("%.1f KB each", kb), fmt("%,d held on %d CPUs, <= 32 KB each, health p99 <= 100 ms", HELD_SESSIONS,
              Runtime.getRuntime().availableProcessors()),
          held >= HELD_SESSIONS && live == held && kb <= 32 && healthP99 <= 100));
    }
    double version = num(ours, "shortVersionMsMedian");
    double api = num(ours, "shortApiMsMedian");
    double hash = num(ours, "shortHashTokenMsMedian");
    rows.add(target("shortCommands", "short commands (--version, api agents list, hash-token)",
        fmt("%.0f, %.0f, %.0f ms", version, api, hash),
        hasRef ? fmt("%.0f, %.0f (report) ms, -", num(ref, "shortVersionMsMedian"), num(ref, "shortApiMsMedian")) : "-",
        fmt("%.0f ms at most", Math.max(version, Math.max(api, hash))), "<= 150 ms each",
        version <= 150 && api <= 150 && hash <= 150));
    double later = num(ours, "burstRssMinuteLaterMb");
    double limit = num(ours, "burstLimitMb");
    rows.add(target("burst", "RSS a minute after a burst (10 readers of a 37 MB log)",
        fmt("%.1f MB (idle %.1f MB, log %.1f MB)", later, num(ours, "burstIdleRssMb"), num(ours, "burstLogMb")), "-",
        fmt("%.1f of %.1f MB", later, limit), "<= 2x idle + live log", later <= limit));
    int[] widths = new int[6];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      StringBuilder line = new StringBuilder("|");
      for (int i = 0; i < row.length; i++) {
        line.append(' ').append(row[i]).append(" ".repeat(widths[i] - row[i].length())).append(" |");
      }
      System.out.println(line);
      if (r == 0) {
        StringBuilder rule = new StringBuilder("|");
        for (int width : widths) {
          rule.append('-').append("-".repeat(width)).append("-|");
        }
        System.out.println(rule);
      }
    }
  }

  /** A row of the targets table, also put in the results as {@code target.<key>}. */
  static String[] target(String key, String figure, String ours, String reference, String measured, String target,
      Boolean met) {
    String verdict = met == null ? "not measured" : met ? "met" : "not met";
    results.put("target." + key, verdict);
    return new String[] {figure, ours, reference, measured, target, verdict};
  }

  static double num(Map<String, Object> r, String key) {
    Object value = r.get(key);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  static String fmt(String format, Object... values) {
    return String.format(Locale.ROOT, format, values);
  }

  /** The plugins the distribution loads: the JARs of its plugins directory. */
  static int plugins(Path launcher) throws IOException {
    Path dir = launcher.toAbsolutePath().getParent().getParent().resolve("plugins");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (var files = Files.list(dir)) {
      return (int) files.filter(f -> f.toString().endsWith(".jar")).count();
    }
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
          events.addAndGet(readSse(base, "/v1/sessions/stream/events/sse?offset=0", total)[0]);
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

  /**
   * Fills one session's log with concurrent messages, then streams it to one client and to 100
   * clients at once; returns {events/s to one client, to 100 subscribers in total, events in the log,
   * one client's median and best read}.
   */
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
    // one client: the whole log read over SSE again and again, one read after the other, for 3 s after
    // 1 s that warms up; the rate over all of them (a read of a few milliseconds alone says little on
    // a shared machine), and each read's own
    long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < warm) {
      readSse(base, "/v1/sessions/stream/events/sse?offset=0", total);
    }
    List<Double> rates = new ArrayList<>();
    long events = 0;
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(3);
    long now = start;
    while (now < end) {
      long n = readSse(base, "/v1/sessions/stream/events/sse?offset=0", total)[0];
      long read = System.nanoTime();
      events += n;
      rates.add(n / ((read - now) / 1e9));
      now = read;
    }
    double sustained = events / ((now - start) / 1e9);
    Collections.sort(rates);
    // 100 subscribers at once, three times (one round on a shared machine says little)
    double fanout = 0;
    for (int round = 0; round < 3; round++) {
      fanout = Math.max(fanout, fanOut(base, 100, total));
    }
    return new double[] {sustained, fanout, total, median(rates), rates.get(rates.size() - 1)};
  }

  /**
   * Reads an event stream over a plain socket until {@code until} events or its end, counting the
   * {@code data:} lines on the bytes as they come (no strings, no decoding), so that the driver's
   * cost stays small beside the daemon's; returns {events, bytes of the stream's body}.
   */
  static long[] readSse(String base, String path, long until) throws IOException {
    try (Raw raw = new Raw(base)) {
      raw.socket.setSoTimeout(30_000);
      raw.write(Raw.request("GET", path, null));
      int[] head = raw.head();
      if (head[0] != 200) {
        throw new IllegalStateException(path + ": status " + head[0]);
      }
      return raw.countEvents(until, head[2] == 1);
    }
  }

  /**
   * Mock sessions, each with an SSE subscriber on a connection of its own, in a daemon started for
   * them (so that its RSS before is an idle one's), opened over plain sockets by 32 workers (a small
   * buffer each, so that 10,000 cost the driver little): RSS 2 s after the first 1,000, then with all
   * of them, at once and after {@link #SETTLE}, and the time of a {@code /v1/health} request on a
   * fresh connection while they are held. A subscription is live when its stream has sent its first
   * bytes.
   */
  static void sessionsWithSubscribers(List<String> command, Kind kind, int sessions, Map<String, Object> r)
      throws Exception {
    try (Daemon d = Daemon.start(command, "sessions-" + kind.name().toLowerCase(Locale.ROOT))) {
      Thread.sleep(3000);
      sessionsWithSubscribers(d, sessions, r);
    }
  }

  static void sessionsWithSubscribers(Daemon d, int sessions, Map<String, Object> r) throws Exception {
    List<Raw> subscribers = Collections.synchronizedList(new ArrayList<>(sessions));
    AtomicInteger live = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    try {
      long before = d.rssKb();
      long start = System.nanoTime();
      int first = Math.min(1000, sessions);
      subscribe(d.base, 0, first, subscribers, live, failure);
      Thread.sleep(2000);
      long at1000 = d.rssKb();
      r.put("rssWith1000SessionsMb", at1000 / 1024.0);
      r.put("kbPerIdleSession", (at1000 - before) / (double) first);
      row("RSS with 1,000 mock sessions each with an SSE subscriber", "%.1f MB (%.1f KB per session)", at1000 / 1024.0,
          (at1000 - before) / (double) first);
      if (sessions <= first) {
        return;
      }
      subscribe(d.base, first, sessions, subscribers, live, failure);
      double seconds = (System.nanoTime() - start) / 1e9 - 2;
      long right = d.rssKb();
      // what each stream sent so far is set aside: what comes during the settling time shows it open
      for (Raw raw : subscribers) {
        raw.drain();
      }
      Thread.sleep(SETTLE.toMillis());
      long settled = d.rssKb();
      int streaming = 0;
      for (Raw raw : subscribers) {
        if (raw.in.available() > 0) {
          streaming++;
        }
      }
      List<Double> health = healthLatency(d.base, 200);
      double perSession = (settled - before) / (double) sessions;
      r.put("heldSessions", sessions);
      r.put("heldSessionsLive", live.get());
      r.put("heldSessionsStreaming", streaming);
      r.put("heldSessionsOpenSeconds", seconds);
      r.put("rssWithHeldSessionsRightAfterMb", right / 1024.0);
      r.put("rssWithHeldSessionsMb", settled / 1024.0);
      r.put("kbPerHeldSession", perSession);
      r.put("healthMsP50WithHeldSessions", percentile(health, 50));
      r.put("healthMsP99WithHeldSessions", percentile(health, 99));
      String label = String.format(Locale.ROOT, "%,d", sessions);
      row(label + " mock sessions, each with an SSE subscriber", "%,d of %,d live (first bytes), opened in %.1f s",
          live.get(), sessions, seconds);
      row("  still streaming " + SETTLE.toSeconds() + " s later (keep-alives)", "%,d of %,d",
          streaming, sessions);
      row("  RSS: before, right after, " + SETTLE.toSeconds() + " s later", "%.1f MB, %.1f MB, %.1f MB (%.1f KB per session)",
          before / 1024.0, right / 1024.0, settled / 1024.0, perSession);
      row("  /v1/health on a fresh connection meanwhile (200)", "p50 %.2f ms, p99 %.2f ms", percentile(health, 50),
          percentile(health, 99));
    } finally {
      if (failure.get() != null) {
        System.out.println("  subscription failed: " + failure.get());
      }
      for (Raw raw : subscribers) {
        try {
          raw.close();
        } catch (IOException e) {
          // closing
        }
      }
    }
  }

  /** Creates the sessions {@code idle-from} to {@code idle-(to - 1)} and subscribes to each one's events. */
  static void subscribe(String base, int from, int to, List<Raw> subscribers, AtomicInteger live,
      AtomicReference<String> failure) throws InterruptedException {
    AtomicInteger next = new AtomicInteger(from);
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 32; w++) {
      workers.add(Thread.ofVirtual().start(() -> {
        try (Raw control = new Raw(base)) {
          control.socket.setSoTimeout(30_000);
          for (int k = next.getAndIncrement(); k < to; k = next.getAndIncrement()) {
            String session = "/v1/sessions/idle-" + k;
            int status = control.exchange(Raw.request("POST", session, "{\"agent\":\"mock\"}"));
            if (status / 100 != 2) {
              throw new IllegalStateException(session + ": status " + status);
            }
            Raw sse = new Raw(base, 512);
            subscribers.add(sse);
            sse.socket.setSoTimeout(30_000);
            sse.write(Raw.request("GET", session + "/events/sse", null));
            if (sse.readHeaders() == 200 && sse.in.read() != -1) {
              live.incrementAndGet();
            }
          }
        } catch (Exception e) {
          failure.compareAndSet(null, e.toString());
        }
      }));
    }
    for (Thread t : workers) {
      t.join();
    }
  }

  /** Milliseconds from connecting to the end of a {@code /v1/health} answer, each on a fresh connection. */
  static List<Double> healthLatency(String base, int requests) throws IOException {
    byte[] health = Raw.request("GET", "/v1/health", null);
    List<Double> latencies = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      try (Raw raw = new Raw(base, 4096)) {
        raw.socket.setSoTimeout(10_000);
        if (raw.exchange(health) != 200) {
          throw new IllegalStateException("/v1/health not healthy");
        }
      }
      latencies.add((System.nanoTime() - start) / 1e6);
    }
    Collections.sort(latencies);
    return latencies;
  }

  /** The sessions to hold: {@link #HELD_SESSIONS}, or fewer when the open-file limit is lower. */
  static int heldSessions() throws IOException {
    long limit = openFilesLimit();
    // one descriptor a subscriber in the driver and in the daemon (which inherits the limit), and some to spare
    int held = (int) Math.min(HELD_SESSIONS, Math.max(1000, limit - 1000));
    if (held < HELD_SESSIONS) {
      System.out.printf(Locale.ROOT, "  the open-file limit (%d) allows %,d sessions, not %,d: raise it (ulimit -n)%n",
          limit, held, HELD_SESSIONS);
    }
    return held;
  }

  /** This process's soft limit of open files (inherited by the daemons it starts). */
  static long openFilesLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    return Long.MAX_VALUE;
  }

  /**
   * Wall and CPU time (user + system, of the command and what it starts, in 10 ms ticks) of the short
   * commands, each run once unmeasured and then 10 times; the {@code api} command asks the running
   * daemon for its agents. The reference has no {@code hash-token}, and its {@code api agents list}
   * fails without installed agents (its daemon answers 502), so its {@code api agents report} is timed.
   */
  static void shortCommands(String binary, String base, boolean reference, Map<String, Object> r) throws Exception {
    shortCommand(r, "shortVersion", "--version", List.of(binary, "--version"), null);
    String api = reference ? "report" : "list";
    shortCommand(r, "shortApi", "api agents " + api, List.of(binary, "api", "agents", api, "-n", "-e", base), null);
    if (!reference) {
      shortCommand(r, "shortHashToken", "hash-token (token on stdin)", List.of(binary, "hash-token"), "benchmark-token\n");
    }
  }

  static void shortCommand(Map<String, Object> r, String key, String label, List<String> command, String input)
      throws Exception {
    List<Double> wall = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    Path errors = work.resolve("short-command.err");
    for (int i = 0; i <= 10; i++) {
      long ticks = childTicks();
      long start = System.nanoTime();
      Process p = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(errors.toFile()).start();
      try (OutputStream in = p.getOutputStream()) {
        if (input != null) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = p.waitFor();
      double ms = (System.nanoTime() - start) / 1e6;
      if (status != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + status + ": " + Files.readString(errors));
      }
      if (i > 0) {
        wall.add(ms);
        cpu.add((childTicks() - ticks) * 10.0);
      }
    }
    Collections.sort(wall);
    Collections.sort(cpu);
    r.put(key + "MsMedian", median(wall));
    r.put(key + "CpuMsMedian", median(cpu));
    row("short command: " + label + " (median of 10)", "%.0f ms (CPU %.0f ms; min %.0f, max %.0f ms)", median(wall),
        median(cpu), wall.get(0), wall.get(wall.size() - 1));
  }

  /** CPU ticks (user + system) of this process's children that have ended and been waited for. */
  static long childTicks() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 16 and 17 of proc(5), cutime and cstime; this array starts at field 3
    return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
  }

  /**
   * The daemon's memory through a burst: a mock session's log filled with 37 echo turns of about
   * 1 MB each, replayed from the start by 10 SSE readers at once; RSS idle (3 s after the session's
   * creation), right after the readers are done (with the peak, VmHWM), and a minute later, against
   * twice the idle RSS plus the log's size as served (the bytes of one reader's stream).
   */
  static void burst(List<String> command, Map<String, Object> r) throws Exception {
    System.out.println();
    System.out.println("== sandbox-agent (JVM), memory through a burst (10 readers of a 37 MB log)");
    try (Daemon d = Daemon.start(command, "burst")) {
      post(d.base + "/v1/sessions/burst", "{\"agent\":\"mock\"}");
      Thread.sleep(3000);
      long idle = d.rssKb();
      // an echo turn records its text six times (the message and the answer, each as an item, a delta
      // and a completed item): about 1 MB a turn
      String text = "x".repeat(174_000);
      int turns = 37;
      for (int i = 0; i < turns; i++) {
        post(d.base + "/v1/sessions/burst/messages", "{\"message\":\"echo " + i + " " + text + "\"}");
      }
      int total = awaitEvents(d.base, "burst", 1 + turns * 6);
      Thread.sleep(1000);
      total = awaitEvents(d.base, "burst", total);
      int events = total;
      long[] log = new long[1];
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<long[]>> readers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          readers.add(pool.submit(() -> readSse(d.base, "/v1/sessions/burst/events/sse?offset=0", events)));
        }
        for (Future<long[]> reader : readers) {
          long[] read = reader.get();
          if (read[0] < events) {
            throw new IllegalStateException("a reader got " + read[0] + " of " + events + " events");
          }
          log[0] = Math.max(log[0], read[1]);
        }
      }
      long after = d.rssKb();
      long peak = d.kb("VmHWM");
      Thread.sleep(60_000);
      long later = d.rssKb();
      double logMb = log[0] / 1048576.0;
      double limit = 2 * idle / 1024.0 + logMb;
      r.put("burstIdleRssMb", idle / 1024.0);
      r.put("burstLogMb", logMb);
      r.put("burstEvents", events);
      r.put("burstRssAfterMb", after / 1024.0);
      r.put("burstPeakRssMb", peak / 1024.0);
      r.put("burstRssMinuteLaterMb", later / 1024.0);
      r.put("burstLimitMb", limit);
      row("live log (one session, as served)", "%.1f MB (%,d events)", logMb, events);
      row("RSS idle, right after 10 readers replayed it, peak", "%.1f MB, %.1f MB, %.1f MB", idle / 1024.0,
          after / 1024.0, peak / 1024.0);
      row("RSS a minute later (at most 2 x idle + live log)", "%.1f MB (limit %.1f MB)", later / 1024.0, limit);
    }
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
      return kb("VmRSS");
    }

    /** A field of /proc/PID/status in KB, such as VmRSS or VmHWM (the peak). */
    long kb(String field) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
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
    final InputStream in;
    private final OutputStream out;

    Raw(String base) throws IOException {
      this(base, 1 << 16);
    }

    /** A connection reading through a buffer of {@code buffer} bytes. */
    Raw(String base, int buffer) throws IOException {
      URI uri = URI.create(base);
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), buffer);
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

    /** Skips what has arrived and can be read without waiting. */
    void drain() throws IOException {
      for (int n = in.available(); n > 0; n = in.available()) {
        in.skipNBytes(n);
      }
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

    /** Reads a response's head: {status, content length or -1, chunked 1/0}. */
    int[] head() throws IOException {
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

    /**
     * Reads an event stream's body (chunked, or up to the end of the connection) until {@code until}
     * events have arrived or it ends, counting the lines that start with {@code data:} on the bytes;
     * returns {events, body bytes read}.
     */
    long[] countEvents(long until, boolean chunked) throws IOException {
      byte[] buffer = new byte[1 << 16];
      long events = 0;
      long bytes = 0;
      int matched = 0; // bytes of "data:" matched at the start of the current line; -1 past them
      while (events < until) {
        long remaining = Long.MAX_VALUE;
        if (chunked) {
          String size = readLine();
          if (size == null) {
            break;
          }
          int semicolon = size.indexOf(';');
          remaining = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
          if (remaining == 0) {
            break;
          }
        }
        while (remaining > 0 && events < until) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
          if (n < 0) {
            return new long[] {events, bytes};
          }
          remaining -= n;
          bytes += n;
          for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == '\n') {
              matched = 0;
            } else if (matched >= 0) {
              if (b == DATA[matched]) {
                if (++matched == DATA.length) {
                  events++;
                  matched = -1;
                }
              } else {
                matched = -1;
              }
            }
          }
        }
        if (chunked && remaining == 0) {
          readLine(); // the CRLF after the chunk
        }
      }
      return new long[] {events, bytes};
    }

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

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
