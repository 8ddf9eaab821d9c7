package dev.sandboxagent.host.cli;

import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code sandbox-agent aot-training}: the workload the build runs once with {@code
 * -XX:AOTCacheOutput} to record an AOT cache for the distribution (classes loaded and linked ahead of
 * time, so that the daemon starts in a fraction of the time). It starts a daemon on a free loopback
 * port with the installed plugins, exercises the API a client uses first — health, agents, a session
 * of the first agent that needs no program (the scripted mock of this build), a message, its events
 * and stream, terminate, delete, the readiness probe and the metrics — and exits normally so that the JVM writes the cache.
 */
@Command(name = "aot-training", hidden = true, description = "Run the workload an AOT cache is recorded from.")
final class AotTrainingCommand implements Callable<Integer> {

  private final CommandContext context;

  AotTrainingCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ServerCommand server = new ServerCommand(context);
    server.port = 0;
    HostConfig config = server.toConfig(null, true, context.env());
    Daemon daemon = Daemon.start(config);
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + daemon.port();
      String agent = daemon.registry().agents().stream().filter(a -> a.descriptor().builtin())
          .map(LoadedAgent::id).findFirst().orElse(null);
      if (agent == null) {
        throw new IllegalStateException("training failed: no loaded agent runs without a program");
      }
      for (int round = 0; round < 3; round++) {
        String session = "aot-training-" + round;
        get(http, base + "/v1/health");
        get(http, base + "/v1/agents");
        get(http, base + "/v1/agents/" + agent + "/modes");
        post(http, base + "/v1/sessions/" + session, "{\"agent\":\"" + agent + "\"}");
        post(http, base + "/v1/sessions/" + session + "/messages", "{\"message\":\"help\"}");
        post(http, base + "/v1/sessions/" + session + "/messages/stream", "{\"message\":\"Reply with exactly OK.\"}");
        get(http, base + "/v1/sessions/" + session + "/events?offset=0&limit=100");
        get(http, base + "/v1/sessions");
        post(http, base + "/v1/sessions/" + session + "/terminate", "");
        sseUntilEnded(http, base + "/v1/sessions/" + session + "/events/sse?offset=0");
        delete(http, base + "/v1/sessions/" + session);
        get(http, base + "/v1/nope");
        get(http, base + "/v1/health/ready");
        get(http, base + "/metrics");
      }
      return 0;
    } catch (IOException e) {
      throw new IllegalStateException("training failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      daemon.close();
    }
  }

  private static void get(HttpClient http, String url) throws IOException, InterruptedException {
    drain(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream()));
  }

  private static void post(HttpClient http, String url, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    b = json.isEmpty() ? b.POST(HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    drain(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  /** Reads a session's stream up to its {@code session.ended}, then leaves (the stream stays open). */
  private static void sseUntilEnded(HttpClient http, String url) throws IOException, InterruptedException {
    HttpResponse<InputStream> response = http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null && !line.contains("\"session.ended\"")) {
        // replayed frames
      }
    }
  }

  private static void delete(HttpClient http, String url) throws IOException, InterruptedException {
    drain(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).DELETE().build(),
        HttpResponse.BodyHandlers.ofInputStream()));
  }

  private static void drain(HttpResponse<InputStream> response) throws IOException {
    try (InputStream in = response.body()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }
}
