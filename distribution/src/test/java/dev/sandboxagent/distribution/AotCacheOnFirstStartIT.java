package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive, unpacked: its first server start records an AOT cache in the background (at
 * the lowest priority, one recording at a time, its output in a file), the server answering all
 * along, and the next start uses the cache; nothing is recorded with {@code SANDBOX_AGENT_AOT=off}
 * or on a JDK before 25.
 */
class AotCacheOnFirstStartIT {

  private static final Duration RECORDING = Duration.ofMinutes(4);

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theFirstServerStartRecordsACacheInTheBackgroundThatTheNextStartUses() throws Exception {
    Path home = unpack("first");
    Path lib = home.resolve("lib");
    Path cache = lib.resolve("sandbox-agent.aot");
    Path lock = lib.resolve(".sandbox-agent.aot.lock");
    assertThat(cache).doesNotExist();
    Path temp = Files.createDirectories(tmp.resolve("tmpdir"));

    try (Server first = start(home, "one", Map.of("TMPDIR", temp.toString()))) {
      assertThat(Files.exists(lock) || Files.exists(cache)).as("a recording was started").isTrue();
      String recorder = Files.exists(lock) ? awaitPid(lock) : null;
      // A second server while the first one's recording runs: it starts no other.
      try (Server second = start(home, "two", Map.of("TMPDIR", temp.toString()))) {
        if (recorder != null && Files.exists(lock)) {
          assertThat(Files.readString(lock.resolve("pid")).strip()).isEqualTo(recorder);
        }
        long deadline = System.nanoTime() + RECORDING.toNanos();
        Set<Integer> niceness = new java.util.HashSet<>();
        while (!(Files.exists(cache) && !Files.exists(lock)) && System.nanoTime() < deadline) {
          List<Long> training = trainingProcesses(home);
          assertThat(training).as("recordings at once").hasSizeLessThanOrEqualTo(1);
          training.forEach(pid -> niceness.add(nice(pid)));
          assertThat(first.health()).as("the server answers while the cache is recorded").isEqualTo(200);
          assertThat(second.health()).isEqualTo(200);
          Thread.sleep(250);
        }
        assertThat(cache).as(Files.exists(lib.resolve("sandbox-agent.aot.log"))
            ? Files.readString(lib.resolve("sandbox-agent.aot.log")) : "no log").isNotEmptyFile();
        assertThat(lock).doesNotExist();
        if (!niceness.isEmpty()) {
          assertThat(niceness).containsOnly(19);
        }
      }
      // Recorded for these JARs, its output in a file, nothing left behind; then the api commands' cache.
      assertThat(lib.resolve("sandbox-agent.aot.sums")).hasSameTextualContentAs(home.resolve("SHA256SUMS"));
      assertThat(Files.readString(lib.resolve("sandbox-agent.aot.log"))).contains("AOT cache recorded: " + cache)
          .contains("AOT cache recorded: " + lib.resolve("sandbox-agent-api.aot"));
      assertThat(lib.resolve("sandbox-agent-api.aot")).isNotEmptyFile();
      assertThat(lib.resolve("sandbox-agent-api.aot.sums")).hasSameTextualContentAs(home.resolve("SHA256SUMS"));
      try (Stream<Path> files = Files.list(lib)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("recording"));
      }
      try (Stream<Path> files = Files.list(temp)) {
        assertThat(files).as("the training's data directory is removed").isEmpty();
      }
      // The server's own output holds the server only.
      String output = Files.readString(first.log);
      assertThat(output.split("server listening on", -1)).hasSize(2);
      assertThat(output).doesNotContain("AOT").doesNotContain("aot-training");
    }

    try (Server next = start(home, "three", Map.of("JAVA_OPTS", "-Xlog:aot=info:stdout"))) {
      assertThat(Files.readString(next.log)).contains("Opened AOT cache " + cache);
      assertThat(lock).doesNotExist();
      ProcessBuilder api = new ProcessBuilder(home.resolve("bin/sandbox-agent").toString(), "-t", "t", "api", "-e",
          next.base, "sessions", "list").redirectErrorStream(true);
      api.environment().put("JAVA_OPTS", "-Xlog:aot=info:stdout");
      Process process = api.start();
      String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(output).isZero();
      assertThat(output).contains("Opened AOT cache " + lib.resolve("sandbox-agent-api.aot"))
          .doesNotContain("Unable to use").contains("\"sessions\"");
    }
  }

  @Test
  void nothingIsRecordedWhenSwitchedOffOrOnAJdkBefore25() throws Exception {
    Path home = unpack("off");
    Path lib = home.resolve("lib");
    try (Server server = start(home, "off", Map.of("SANDBOX_AGENT_AOT", "off"))) {
      assertThat(server.health()).isEqualTo(200);
    }
    assertNothingRecorded(lib);

    // A Java 24 runtime, as its release file says (the program is this JDK's).
    Path jdk = Dist.javaHomeOfVersion(tmp, "24.0.2");
    try (Server server = start(home, "jdk24", Map.of("JAVA_HOME", jdk.toString()))) {
      assertThat(server.health()).isEqualTo(200);
    }
    assertNothingRecorded(lib);

    // Neither for --help.
    Dist.run(home.resolve("bin/sandbox-agent").toString(), "server", "--help");
    assertNothingRecorded(lib);
  }

  private static void assertNothingRecorded(Path lib) throws IOException {
    try (Stream<Path> files = Files.list(lib)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".aot"));
    }
  }

  private Path unpack(String name) throws Exception {
    Path into = Files.createDirectories(tmp.resolve(name));
    Dist.run("tar", "-xzf", Dist.archive().toString(), "-C", into.toString());
    return into.resolve(Dist.archiveRoot());
  }

  /** The pid a recording wrote into its lock (it follows the lock's creation closely). */
  private static String awaitPid(Path lock) throws Exception {
    Path pid = lock.resolve("pid");
    for (int i = 0; i < 100 && Files.exists(lock); i++) {
      if (Files.exists(pid) && !Files.readString(pid).isBlank()) {
        return Files.readString(pid).strip();
      }
      Thread.sleep(20);
    }
    return null;
  }

  /** The training JVMs recording a cache for this installation. */
  private static List<Long> trainingProcesses(Path home) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("aot-training")
            && String.join(" ", a).contains("-XX:AOTCacheOutput=" + home)).orElse(false))
        .map(ProcessHandle::pid).toList();
  }

  /** The process's nice value, from /proc. */
  private static int nice(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    } catch (IOException e) {
      return 19; // ended since it was listed
    }
  }

  private Server start(Path home, String name, Map<String, String> env) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path work = Files.createDirectories(tmp.resolve("work-" + name));
    Path log = work.resolve("server.log");
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/sandbox-agent").toString(), "server", "--host",
        "127.0.0.1", "--port", String.valueOf(port), "--token", "t", "--install-dir", work.resolve("install").toString())
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = new HashMap<>(env);
    environment.put("XDG_DATA_HOME", work.resolve("data").toString());
    environment.put("SANDBOX_AGENT_DATA_DIR", work.resolve("data/sandbox-agent").toString());
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("SANDBOX_AGENT_AOT");
    pb.environment().putAll(environment);
    Server server = new Server(pb.start(), "http://127.0.0.1:" + port, log, http);
    server.awaitHealthy();
    return server;
  }

  private record Server(Process process, String base, Path log, HttpClient http) implements AutoCloseable {

    int health() throws Exception {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/health")).timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        return -1;
      }
    }

    void awaitHealthy() throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("server exited: " + Files.readString(log));
        }
        if (health() == 200 && Files.readString(log).contains("server listening on")) {
          return;
        }
        Thread.sleep(100);
      }
      throw new AssertionError("server not healthy: " + Files.readString(log));
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
