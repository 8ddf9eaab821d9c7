package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A daemon on an ephemeral loopback port with an HTTP client and an SSE reader for tests. */
public final class TestServer implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();

  final Daemon daemon;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  public final String base;
  private final String token;

  private TestServer(Daemon daemon, String token) {
    this.daemon = daemon;
    this.base = "http://127.0.0.1:" + daemon.port();
    this.token = token;
  }

  public static TestServer start(Path tmp, String token, CorsConfig cors, long maxBody, Duration keepAlive,
      List<AgentAdapter> adapters) {
    HostConfig config = new HostConfig("127.0.0.1", 0, token, cors, tmp.resolve("plugins"), tmp.resolve("install"),
        tmp.resolve("default-install"), maxBody, keepAlive, tmp);
    return new TestServer(Daemon.start(config, AdapterRegistry.of(adapters)), token);
  }

  static TestServer start(HostConfig config, List<AgentAdapter> adapters) {
    return new TestServer(Daemon.start(config, AdapterRegistry.of(adapters)), config.token());
  }

  /** A daemon with the script agent that stores its sessions in {@code dataDir}. */
  static TestServer startDurable(Path tmp, Path dataDir) {
    return startDurable(tmp, dataDir, null);
  }

  /** A daemon with the script agent that stores its sessions in {@code dataDir} for {@code retention}. */
  static TestServer startDurable(Path tmp, Path dataDir, Duration retention) {
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp).withDataDir(dataDir).withRetention(retention);
    return start(config, List.of(new ScriptAdapter()));
  }

  static TestServer start(Path tmp) {
    return start(tmp, null, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(15),
        List.of(new ScriptAdapter()));
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
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

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE().build());
  }

  HttpResponse<String> postEmpty(String path) {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void createSession(String id) {
    HttpResponse<String> r = post("/v1/sessions/" + id, "{\"agent\":\"script\"}");
    if (r.statusCode() != 200) {
      throw new AssertionError("create failed: " + r.statusCode() + " " + r.body());
    }
  }

  /** Polls the events endpoint until at least {@code count} events exist (10 s at most). */
  JsonNode awaitEvents(String id, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      JsonNode events = json(get("/v1/sessions/" + id + "/events")).get("events");
      if (events.size() >= count || System.nanoTime() > deadline) {
        return events;
      }
      Thread.sleep(10);
    }
  }

  /** Opens an SSE stream. */
  SseStream sse(HttpRequest request) {
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      return new SseStream(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    daemon.close();
  }

  /** One SSE message block. */
  record Frame(String id, String event, String data, List<String> comments) {
    /** The recorded event's type, from its JSON. */
    String type() {
      return json().get("type").asText();
    }

    JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A spec-following SSE reader: blocks split on blank lines, data lines joined with newlines. */
  static final class SseStream implements AutoCloseable {
    final HttpResponse<InputStream> response;
    private final BufferedReader reader;

    SseStream(HttpResponse<InputStream> response) {
      this.response = response;
      this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    }

    /** The next block, or null at the end of the stream. */
    Frame next() throws IOException {
      String id = null;
      String event = null;
      List<String> data = new ArrayList<>();
      List<String> comments = new ArrayList<>();
      boolean any = false;
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          if (any) {
            return new Frame(id, event, data.isEmpty() ? null : String.join("\n", data), comments);
          }
          continue;
        }
        any = true;
        if (line.startsWith(":")) {
          comments.add(line.substring(1).strip());
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data.add(value);
          default -> { }
        }
      }
      return any ? new Frame(id, event, data.isEmpty() ? null : String.join("\n", data), comments) : null;
    }

    /** The next block that carries data, skipping keep-alives. */
    Frame nextEvent() throws IOException {
      Frame f;
      do {
        f = next();
      } while (f != null && f.data() == null);
      return f;
    }

    /** Reads all frames until the server ends the stream. */
    List<Frame> readToEnd() throws IOException {
      List<Frame> frames = new ArrayList<>();
      Frame f;
      while ((f = next()) != null) {
        frames.add(f);
      }
      return frames;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
