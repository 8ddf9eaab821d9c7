package dev.sandboxagent.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shipped launcher run as a separate process, the way an existing client spawns the daemon:
 * {@code sandbox-agent server --host 127.0.0.1 --port N --token T}, then polls {@code /v1/health}.
 */
final class Launcher implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final String base;
  final String token;
  final Path log;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;
  private final Path workDir;
  private final List<String> authArgs;
  private final List<String> extraArgs;
  private final java.util.Map<String, String> env;

  private Launcher(Process process, int port, String token, Path log, Path workDir, List<String> authArgs,
      List<String> extraArgs, java.util.Map<String, String> env) {
    this.process = process;
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
    this.log = log;
    this.workDir = workDir;
    this.authArgs = List.copyOf(authArgs);
    this.extraArgs = List.copyOf(extraArgs);
    this.env = java.util.Map.copyOf(env);
  }

  static Launcher start(Path workDir, String token) throws Exception {
    return start(workDir, token, List.of(), java.util.Map.of());
  }

  /** Starts the daemon with extra server arguments and environment variables. */
  static Launcher start(Path workDir, String token, List<String> extraArgs, java.util.Map<String, String> env)
      throws Exception {
    return start(workDir, token, List.of("--token", token), extraArgs, env);
  }

  /**
   * Starts the daemon with these arguments for its token ({@code authArgs}, which may give none when
   * {@code env} does); {@code token} is the one requests send.
   */
  static Launcher start(Path workDir, String token, List<String> authArgs, List<String> extraArgs,
      java.util.Map<String, String> env) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return start(workDir, token, authArgs, extraArgs, env, port);
  }

  /**
   * Stops this daemon (SIGTERM) and starts it again with the same arguments, data directory and
   * port, as a user restarting it would.
   */
  Launcher restart() throws Exception {
    stop();
    return start(workDir, token, authArgs, extraArgs, env, port);
  }

  private static Launcher start(Path workDir, String token, List<String> authArgs, List<String> extraArgs,
      java.util.Map<String, String> env, int port) throws Exception {
    Path log = workDir.resolve("daemon.log");
    ProcessBuilder pb = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString(), "server",
        "--host", "127.0.0.1", "--port", String.valueOf(port))
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.command().addAll(authArgs);
    pb.command().addAll(List.of("--install-dir", workDir.resolve("install").toString()));
    pb.command().addAll(extraArgs);
    pb.environment().remove("SANDBOX_TOKEN");
    pb.environment().put("XDG_DATA_HOME", workDir.resolve("data").toString());
    // Each daemon stores its sessions in its own directory, never in the user's.
    pb.environment().put("SANDBOX_AGENT_DATA_DIR", dataDir(workDir).toString());
    // The tests' daemons start from the built layout, whose AOT cache they leave alone.
    pb.environment().put("SANDBOX_AGENT_AOT", "off");
    pb.environment().putAll(env);
    Launcher launcher = new Launcher(pb.start(), port, token, log, workDir, authArgs, extraArgs, env);
    launcher.awaitHealthy(Duration.ofSeconds(30));
    return launcher;
  }

  /** Where a daemon started in {@code workDir} stores its sessions. */
  static Path dataDir(Path workDir) {
    return workDir.resolve("data").resolve("sandbox-agent");
  }

  /** Kills the daemon with SIGKILL, as a crash or an out-of-memory killer would, and waits for it. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  void awaitHealthy(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("daemon exited with " + process.exitValue() + ": " + java.nio.file.Files.readString(log));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/health"))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          awaitAnnounced(deadline);
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("daemon not healthy in " + timeout);
  }

  /** Waits for the line announcing the server, which follows its first healthy answer closely. */
  private void awaitAnnounced(long deadline) throws Exception {
    while (!java.nio.file.Files.readString(log).contains("server listening on")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("daemon healthy but not announced: " + java.nio.file.Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + token);
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  HttpResponse<String> post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls until the session holds at least {@code count} events (15 s at most). */
  JsonNode awaitEvents(String session, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    JsonNode events;
    do {
      events = json(get("/v1/sessions/" + session + "/events?include_raw=true")).get("events");
      if (events.size() >= count) {
        return events;
      }
      Thread.sleep(25);
    } while (System.nanoTime() < deadline);
    return events;
  }

  /** The session's events so far. */
  JsonNode events(String session) {
    return json(get("/v1/sessions/" + session + "/events")).get("events");
  }

  /** Waits for the first event after sequence {@code after} that matches; fails after {@code timeout}. */
  JsonNode awaitEvent(String session, int after, java.util.function.Predicate<JsonNode> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode events = null;
    while (System.nanoTime() < deadline) {
      events = events(session);
      for (JsonNode e : events) {
        if (e.get("sequence").asInt() > after && match.test(e)) {
          return e;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching event after " + after + " in " + events);
  }

  /**
   * Sends {@code message} on the one-turn stream ({@code POST …/messages/stream}) and returns its
   * events once the daemon has ended the stream.
   */
  List<JsonNode> streamTurn(String session, String message) throws IOException, InterruptedException {
    HttpResponse<java.io.InputStream> response = http.send(request("/v1/sessions/" + session + "/messages/stream")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("message", message).toString())).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new AssertionError("the turn stream answered " + response.statusCode());
    }
    List<JsonNode> events = new java.util.ArrayList<>();
    try (java.io.BufferedReader reader = new java.io.BufferedReader(
        new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data: ")) {
          events.add(JSON.readTree(line.substring(6)));
        }
      }
    }
    return events;
  }

  /** Events of this type. */
  static java.util.function.Predicate<JsonNode> ofType(String type) {
    return e -> e.get("type").asText().equals(type);
  }

  /** The completion of a status item with this label, such as {@code turn.completed}. */
  static java.util.function.Predicate<JsonNode> statusCompleted(String label) {
    return e -> e.get("type").asText().equals("item.completed")
        && e.get("data").toString().contains("\"label\":\"" + label + "\"");
  }

  static List<String> types(JsonNode events) {
    return java.util.stream.StreamSupport.stream(events.spliterator(), false).map(e -> e.get("type").asText()).toList();
  }

  /** The last {@code lines} lines of the daemon's log, for failure messages. */
  String logTail(int lines) {
    try {
      List<String> all = java.nio.file.Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Sends SIGTERM and waits; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
