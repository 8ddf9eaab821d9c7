package dev.sandboxagent.host.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code sandbox-agent aot-training-api}: the workload the build runs once with {@code
 * -XX:AOTCacheOutput} to record the AOT cache of the {@code api} commands, small beside the server's
 * (the JDK's classes they load, linked ahead of time, and the JSON and HTTP client code). It runs
 * the {@code api} command lines a user runs first — lists, a session's creation, a message, its
 * events and their stream, an answer with an error status, a usage error, help — against a stand-in for
 * the daemon on a free loopback port (the daemon's own classes would make the cache as large as the
 * server's), then exits normally so that the JVM writes the cache.
 */
@Command(name = "aot-training-api", hidden = true, description = "Run the workload the api commands' AOT cache is recorded from.")
final class AotTrainingApiCommand implements Callable<Integer> {

  private static final String SESSION = "{\"id\":\"s1\",\"agent\":\"mock\",\"agentMode\":\"build\",\"healthy\":true,"
      + "\"ended\":false,\"createdAt\":\"2026-01-01T00:00:00Z\",\"eventCount\":2,\"tags\":[],\"info\":{}}";
  private static final String EVENT = "{\"id\":1,\"sequence\":1,\"type\":\"item.completed\",\"time\":1.5,"
      + "\"data\":{\"item\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"OK \\u00e9\"}]}}}";

  private final CommandContext context;

  AotTrainingApiCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", AotTrainingApiCommand::answer);
    server.start();
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      List<List<String>> lines = List.of(
          List.of("api", "agents", "list"),
          List.of("api", "sessions", "list"),
          List.of("api", "sessions", "create", "s1", "-a", "mock", "-m", "a-model"),
          List.of("api", "sessions", "send-message", "s1", "-m", "hello"),
          List.of("api", "sessions", "events", "s1", "-o", "0", "-l", "100"),
          List.of("api", "sessions", "events-sse", "s1"),
          List.of("api", "sessions", "send-message-stream", "s1", "-m", "hello"),
          List.of("api", "sessions", "terminate", "s1"),
          List.of("api", "sessions", "events", "missing"),
          List.of("api", "sessions", "bogus"),
          List.of("api", "--help"),
          List.of("api", "sessions", "create", "--help"));
      int[] expected = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0};
      PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < lines.size(); i++) {
          List<String> line = new java.util.ArrayList<>(lines.get(i));
          line.addAll(List.of("-n", "-e", endpoint));
          int exit = Cli.run(line.toArray(String[]::new), Map.of(), InputStream.nullInputStream(), discard, discard);
          if (exit != expected[i]) {
            throw new IllegalStateException("training failed: " + String.join(" ", line) + " exited " + exit);
          }
        }
      }
      context.out().println("api training done");
      return 0;
    } finally {
      server.stop(0);
    }
  }

  /** The stand-in's answers: JSON as the daemon's, a stream of events, a 404 for the session "missing". */
  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      String path = exchange.getRequestURI().getPath();
      int status = 200;
      String type = "application/json";
      String body;
      if (path.contains("/missing")) {
        status = 404;
        type = "application/problem+json";
        body = "{\"type\":\"urn:sandbox-agent:error:session_not_found\",\"title\":\"Session Not Found\","
            + "\"status\":404,\"detail\":\"session not found: missing\",\"sessionId\":\"missing\"}";
      } else if (path.endsWith("/sse") || path.endsWith("/stream")) {
        type = "text/event-stream";
        body = "id: 1\ndata: " + EVENT + "\n\nid: 2\ndata: " + EVENT + "\n\n";
      } else if (path.endsWith("/agents")) {
        body = "{\"agents\":[{\"id\":\"mock\",\"installed\":true,\"version\":null,\"capabilities\":{\"streaming\":true,"
            + "\"modes\":[\"build\",\"plan\"]}}]}";
      } else if (path.endsWith("/sessions")) {
        body = "{\"sessions\":[" + SESSION + "," + SESSION + "]}";
      } else if (path.endsWith("/events")) {
        body = "{\"events\":[" + EVENT + "," + EVENT + "],\"hasMore\":false}";
      } else if (path.endsWith("/messages") || path.endsWith("/terminate")) {
        status = 204;
        body = "";
      } else {
        body = SESSION;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : 0);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
