package dev.sandboxagent.host.http;

import static java.util.Objects.requireNonNull;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How long a connection may keep the server waiting. The idle timeout closes a connection that has
 * no request in progress (a new connection that sends nothing, a kept-alive one between requests, one
 * still trickling its request line), and one whose request body stops arriving for that long; the web
 * server enforces the first and never cuts a response that is being written, so a long event stream
 * stays open. The header timeout closes a connection whose headers have not all arrived that long
 * after its request line, however slowly bytes keep coming.
 */
public final class ConnectionTimeouts implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ConnectionTimeouts.class.getName());
  private static final Duration SHORTEST_CHECK = Duration.ofMillis(50);

  private final Duration header;
  private final Duration idle;
  /** Connections reading headers, with the time their request line arrived ({@link System#nanoTime()}). */
  private final Map<ConnectionContext, Long> readingHeaders = new ConcurrentHashMap<>();
  /** Threads blocked reading a request body, with the time the read began. */
  private final Map<Thread, Long> readingBodies = new ConcurrentHashMap<>();
  /** Closes the overdue connections; started with the first request, so a server that never starts has none. */
  private final ScheduledExecutorService checker =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("header-timeout").factory());
  private final AtomicBoolean checking = new AtomicBoolean();

  /**
   * The timeouts; {@link #configure} applies them to a server.
   *
   * @param header the longest time from a request line to the end of its headers
   * @param idle the longest time a connection may sit without a request in progress, or wait for the
   *     next bytes of a request body
   */
  public ConnectionTimeouts(Duration header, Duration idle) {
    requireNonNull(header, "header is null");
    requireNonNull(idle, "idle is null");
    if (!header.isPositive() || !idle.isPositive()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    this.header = header;
    this.idle = idle;
  }

  /**
   * Applies the timeouts to {@code server}'s default listener and makes HTTP/1.1, watched for the
   * header timeout, its one protocol. (With a single protocol a connection is handed to it as it is
   * accepted, so the idle timeout also covers one that never sends a byte.)
   */
  public void configure(WebServerConfig.Builder server) {
    server.idleConnectionTimeout(idle)
        .idleConnectionPeriod(checkPeriod(idle))
        .protocolsDiscoverServices(false)
        .protocols(List.of(Http1Config.builder().addReceiveListener(new HeaderWatch()).build()));
  }

  /**
   * A routing filter that watches every read of a request body: a read that waits longer than the
   * idle timeout for the client's next bytes is interrupted, which closes the connection.
   */
  public Filter bodyReads() {
    return (chain, req, res) -> {
      req.streamFilter(WatchedBody::new);
      chain.proceed();
    };
  }

  /** A quarter of the timeout, so that a connection is closed at most a quarter late. */
  private static Duration checkPeriod(Duration timeout) {
    Duration quarter = timeout.dividedBy(4);
    return quarter.compareTo(SHORTEST_CHECK) < 0 ? SHORTEST_CHECK : quarter;
  }

  private void startChecking() {
    if (!checking.get() && checking.compareAndSet(false, true)) {
      long every = checkPeriod(header.compareTo(idle) < 0 ? header : idle).toMillis();
      checker.scheduleAtFixedRate(this::closeOverdue, every, every, TimeUnit.MILLISECONDS);
    }
  }

  private void closeOverdue() {
    long now = System.nanoTime();
    readingBodies.forEach((thread, since) -> {
      if (now - since > idle.toNanos() && readingBodies.remove(thread, since)) {
        LOG.log(System.Logger.Level.DEBUG, "closing a connection whose request body stalled for longer than {0}", idle);
        thread.interrupt();
      }
    });
    readingHeaders.forEach((ctx, since) -> {
      if (now - since > header.toNanos() && readingHeaders.remove(ctx, since)) {
        LOG.log(System.Logger.Level.DEBUG, "closing a connection whose headers took longer than {0}", header);
        try {
          ctx.serverSocket().close();
        } catch (RuntimeException e) {
          // Already closed by the client or the server.
          LOG.log(System.Logger.Level.TRACE, "closing an overdue connection failed", e);
        }
      }
    });
  }

  /** Stops watching. */
  @Override
  public void close() {
    checker.shutdownNow();
    readingHeaders.clear();
    readingBodies.clear();
  }

  /** A request body whose blocking reads are timed. */
  private final class WatchedBody extends FilterInputStream {
    WatchedBody(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      Thread reader = begin();
      try {
        return super.read();
      } finally {
        readingBodies.remove(reader);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Thread reader = begin();
      try {
        return super.read(b, off, len);
      } finally {
        readingBodies.remove(reader);
      }
    }

    private Thread begin() {
      Thread reader = Thread.currentThread();
      readingBodies.put(reader, System.nanoTime());
      startChecking();
      return reader;
    }
  }

  /** Marks the span between a request line and the end of its headers on each connection. */
  private final class HeaderWatch implements Http1ConnectionListener {
    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
      readingHeaders.put(ctx, System.nanoTime());
      startChecking();
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
      readingHeaders.remove(ctx);
    }
  }
}
