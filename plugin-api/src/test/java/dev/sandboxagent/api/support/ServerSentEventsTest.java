package dev.sandboxagent.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.EventSink;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.support.ServerSentEvents.Event;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

  /** Runs tasks on threads it interrupts when closed; nothing else is used. */
  private static final class FakeContext implements SessionContext, AutoCloseable {
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override
    public void runInBackground(String name, Runnable task) {
      threads.add(Thread.ofVirtual().name(name).start(task));
    }

    @Override
    public void close() throws InterruptedException {
      for (Thread thread : threads) {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
      }
    }

    @Override
    public String sessionId() {
      return "s";
    }

    @Override
    public String agentMode() {
      return "build";
    }

    @Override
    public PermissionMode permissionMode() {
      return PermissionMode.DEFAULT;
    }

    @Override
    public String model() {
      return null;
    }

    @Override
    public String variant() {
      return null;
    }

    @Override
    public EventSink events() {
      throw new UnsupportedOperationException();
    }

    @Override
    public AgentProcess startProcess(ProcessSpec spec, ProcessListener listener) {
      throw new UnsupportedOperationException();
    }

    @Override
    public AgentProcess startSharedProcess(ProcessSpec spec, ProcessListener listener) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path binary() {
      return null;
    }

    @Override
    public Path workingDirectory() {
      return Path.of(".");
    }

    @Override
    public Map<String, String> environment() {
      return Map.of();
    }

    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public System.Logger logger() {
      return System.getLogger("test");
    }
  }

  private static List<Event> parse(String stream) throws Exception {
    List<Event> events = new ArrayList<>();
    ServerSentEvents.read(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), null, events::add);
    return events;
  }

  @Test
  void readsEventsAsTheStandardSays() throws Exception {
    List<Event> events = parse("\uFEFF: a comment\nretry: 10\nid: 1\nevent: status\ndata: first\ndata:  second\n\n"
        + "data:no space\r\n\r\n" + "event: empty\n\n" + "id\ndata\n\n" + "data: cut at the end");
    assertThat(events).containsExactly(
        new Event("1", "status", "first\n second"),
        new Event("1", "message", "no space"),
        new Event("", "message", ""));
  }

  @Test
  void aSubscriptionReconnectsWithTheLastIdWhileActive() throws Exception {
    List<String> lastIds = new CopyOnWriteArrayList<>();
    AtomicInteger connections = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/event", exchange -> {
      lastIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
      int n = connections.incrementAndGet();
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(("id: " + n + "\ndata: {\"n\":" + n + "}\n\n").getBytes(StandardCharsets.UTF_8));
      }
    });
    server.start();
    List<Event> received = new CopyOnWriteArrayList<>();
    AtomicBoolean active = new AtomicBoolean(true);
    try (FakeContext context = new FakeContext()) {
      ServerSentEvents.subscribe(context, "events",
          URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/event"), active::get, received::add);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (received.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      active.set(false);
      assertThat(received).hasSizeGreaterThanOrEqualTo(3);
      assertThat(received.subList(0, 3)).extracting(Event::data).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
      assertThat(lastIds.subList(0, 3)).containsExactly("null", "1", "2");
    } finally {
      server.stop(0);
    }
  }
}
