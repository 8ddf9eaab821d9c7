package dev.sandboxagent.distribution;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A scripted model API on loopback, so that a real agent program runs offline: a server on a free
 * port that records every request (and its body) and hands it to {@link #handle}, and the tool
 * results the model was sent, which a subclass records as it reads them.
 */
abstract class FakeModelServer implements AutoCloseable {

  /** Every request received, with its time. */
  final RequestLog requests = new RequestLog();
  /** The body of every request that had one, as text, oldest first. */
  final List<String> bodies = new CopyOnWriteArrayList<>();
  /** The tool results the model received, as texts, oldest first. */
  final List<String> toolResults = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  FakeModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> {
      requests.record(exchange);
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (body.length > 0) {
        bodies.add(new String(body, StandardCharsets.UTF_8));
      }
      exchange.setStreams(new ByteArrayInputStream(body), null);
      handle(exchange);
    });
    server.start();
  }

  /** Answers one request (already recorded). */
  abstract void handle(HttpExchange exchange) throws IOException;

  /** The server's origin, {@code http://127.0.0.1:<port>}. */
  final String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Sends {@code body} as the whole answer, of content type {@code type}. */
  static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
