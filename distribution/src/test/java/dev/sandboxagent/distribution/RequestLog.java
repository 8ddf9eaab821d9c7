package dev.sandboxagent.distribution;

import com.sun.net.httpserver.HttpExchange;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a fake server received and when, so that a test can tell whether anything came after a moment. */
final class RequestLog {

  /** One request: its {@link System#nanoTime()} on arrival and its method and path. */
  record Request(long nanoTime, String line) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();

  void record(HttpExchange exchange) {
    requests.add(new Request(System.nanoTime(), exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()));
  }

  /** Every request so far, oldest first. */
  List<Request> all() {
    return List.copyOf(requests);
  }

  /** The requests that arrived after {@code nanoTime} (a {@link System#nanoTime()} value). */
  List<String> after(long nanoTime) {
    return requests.stream().filter(r -> r.nanoTime() - nanoTime > 0).map(Request::line).toList();
  }
}
