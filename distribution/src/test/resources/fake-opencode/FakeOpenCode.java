import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replays recorded `opencode serve` event streams. Arguments: the directory of the recordings, then
 * `serve --hostname H --port P`. The first session created is the recorded tool session, the second
 * the recorded permission session, later ones get ids of their own. A prompt containing "crash"
 * makes the server exit with status 3; "silent" is accepted and answered by nothing; "quit" makes
 * the server exit with status 0; "orphan" starts a child that keeps stdout open (its pid in
 * orphan.pid) and exits with status 0. Like OpenCode, it keeps its sessions under {@code
 * $XDG_DATA_HOME/opencode/storage} and answers 404 for a session it does not have.
 */
public class FakeOpenCode {
  static final String TOOL = "ses_dfa7d1942ffeCwKgrn9dmvVMVl";
  static final String PERMISSION = "ses_dfa7cf092ffeY7QxVOHDSRckry";
  static final List<OutputStream> subscribers = new CopyOnWriteArrayList<>();
  static final AtomicInteger sessions = new AtomicInteger();
  static List<String> tool;
  static List<String> permission;
  static Path log;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    tool = Files.readAllLines(dir.resolve("tool.jsonl"));
    permission = Files.readAllLines(dir.resolve("permission.jsonl"));
    log = dir.resolve("requests.log");
    int port = 0;
    for (int i = 1; i < args.length - 1; i++) {
      if (args[i].equals("--port")) {
        port = Integer.parseInt(args[i + 1]);
      }
    }
    Files.writeString(log, String.join(" ", args) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", FakeOpenCode::handle);
    server.start();
    System.out.println("opencode server listening on http://127.0.0.1:" + port);
  }

  static void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Files.writeString(log, method + " " + path + " " + body + "\n", StandardOpenOption.APPEND);
    if (method.equals("GET") && path.equals("/event")) {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      subscribers.add(out);
      send(out, "{\"type\":\"server.connected\",\"properties\":{}}");
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    String answer = "true";
    if (method.equals("GET") && path.equals("/session")) {
      answer = "[]";
    } else if (method.equals("POST") && path.equals("/session")) {
      int n = sessions.incrementAndGet();
      String id = n == 1 ? TOOL : n == 2 ? PERMISSION : "ses_fake" + n;
      answer = "{\"id\":\"" + id + "\"}";
      Files.createDirectories(storage());
      Files.writeString(storage().resolve(id + ".json"), answer);
    } else if (method.equals("GET") && path.matches("/session/[^/]+")) {
      Path stored = storage().resolve(path.substring("/session/".length()) + ".json");
      if (!Files.exists(stored)) {
        byte[] bytes = "{\"name\":\"NotFoundError\"}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
        return;
      }
      answer = Files.readString(stored);
    } else if (path.endsWith("/prompt_async")) {
      if (body.contains("crash")) {
        System.err.println("fatal: simulated crash");
        System.exit(3);
      }
      if (body.contains("silent") || body.contains("quit") || body.contains("orphan")) {
        if (body.contains("orphan")) {
          Process child = new ProcessBuilder("sleep", "300").inheritIO().start();
          Files.writeString(log.resolveSibling("orphan.pid"), String.valueOf(child.pid()));
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
        if (!body.contains("silent")) {
          Thread.ofVirtual().start(FakeOpenCode::exitSoon);
        }
        return;
      }
      boolean toolSession = path.contains(TOOL);
      Thread.ofVirtual().start(() -> {
        if (toolSession) {
          replay(tool, body.contains("echo hi") ? 77 : 1, body.contains("echo hi") ? tool.size() : 77);
        } else {
          replay(permission, 1, 72);
        }
      });
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
      return;
    } else if (path.startsWith("/permission/")) {
      Thread.ofVirtual().start(() -> replay(permission, 72, permission.size()));
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  static Path storage() {
    return Path.of(System.getenv("XDG_DATA_HOME"), "opencode", "storage", "session");
  }

  /** Exits with status 0 once the prompt has been answered. */
  static void exitSoon() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().halt(0);
  }

  static void replay(List<String> lines, int from, int to) {
    for (int i = from; i < to; i++) {
      for (OutputStream out : subscribers) {
        send(out, lines.get(i));
      }
    }
  }

  static synchronized void send(OutputStream out, String data) {
    try {
      out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      subscribers.remove(out);
    }
  }
}
