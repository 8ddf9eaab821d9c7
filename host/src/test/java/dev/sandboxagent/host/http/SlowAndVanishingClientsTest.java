package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.tenant.Tenants;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Clients that go away mid-request, stall, or trickle their bytes; and streams that must outlive them. */
@Timeout(60)
class SlowAndVanishingClientsTest {

  @TempDir Path tmp;

  /** Every log record of the JVM while a test runs, with the web server's connection log switched on. */
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger root = Logger.getLogger("");
  private final Logger connections = Logger.getLogger("io.helidon.webserver.ConnectionHandler");
  private Level connectionsLevel;
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void captureLog() {
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
    connectionsLevel = connections.getLevel();
    connections.setLevel(Level.FINE);
  }

  @AfterEach
  void releaseLog() {
    root.removeHandler(capture);
    connections.setLevel(connectionsLevel);
  }

  private TestServer start(Duration headerTimeout, Duration idleTimeout, Duration keepAlive) {
    HostConfig config = new HostConfig("127.0.0.1", 0, null, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES, keepAlive, tmp,
        InstallSettings.defaults(), Tenants.none(), headerTimeout, idleTimeout);
    return TestServer.start(config, List.of(new ScriptAdapter()));
  }

  private boolean logged(String fragment, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (records.stream().anyMatch(r -> String.valueOf(r.getMessage()).contains(fragment))) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  @Test
  void aClientThatDisconnectsMidBodyLeavesNoSevereRecord() throws Exception {
    try (TestServer server = TestServer.start(tmp, null, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), List.of(new ScriptAdapter()))) {
      try (RawHttp raw = RawHttp.connect(server.daemon.port())) {
        raw.send("POST /v1/sessions/gone HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1000\r\n\r\n{\"agent\":");
      }
      assertThat(logged("socket closed", Duration.ofSeconds(10))).as("the server ends the connection").isTrue();
      assertThat(records).filteredOn(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
          .extracting(LogRecord::getMessage).isEmpty();
      assertThat(server.get("/v1/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aConnectionThatNeverSendsIsClosedAfterTheIdleTimeout() {
    try (TestServer server = start(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(15));
        RawHttp raw = RawHttp.connect(server.daemon.port())) {
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutBetweenRequests() {
    try (TestServer server = start(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(15));
        RawHttp raw = RawHttp.connect(server.daemon.port())) {
      raw.send("GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(raw.response().status()).isEqualTo(200);
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aConnectionStalledInItsHeadersIsClosedAfterTheHeaderTimeout() {
    try (TestServer server = start(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(15));
        RawHttp raw = RawHttp.connect(server.daemon.port())) {
      raw.send("GET /v1/health HTTP/1.1\r\nHost: loc");
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aClientTricklingItsHeadersIsClosedAfterTheHeaderTimeout() throws Exception {
    try (TestServer server = start(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(15));
        RawHttp raw = RawHttp.connect(server.daemon.port())) {
      raw.send("GET /v1/health HTTP/1.1\r\nHost: localhost\r\n");
      Thread trickle = Thread.ofVirtual().start(() -> {
        try {
          for (int i = 0; ; i++) {
            raw.send("X-Slow-" + i + ": y\r\n");
            Thread.sleep(200);
          }
        } catch (UncheckedIOException | InterruptedException e) {
          // closed by the server, or the test is over
        }
      });
      try {
        assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
      } finally {
        trickle.interrupt();
        trickle.join();
      }
    }
  }

  @Test
  void aRequestBodyThatStopsArrivingIsClosedAfterTheIdleTimeout() {
    try (TestServer server = start(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(15));
        RawHttp raw = RawHttp.connect(server.daemon.port())) {
      raw.send("POST /v1/sessions/stalled HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"agent\":");
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
      assertThat(records).filteredOn(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
          .extracting(LogRecord::getMessage).isEmpty();
    }
  }

  @Test
  void anEventStreamOutlivesTheIdleTimeout() throws Exception {
    Duration idle = Duration.ofSeconds(1);
    try (TestServer server = start(Duration.ofSeconds(1), idle, Duration.ofMillis(200))) {
      server.createSession("s");
      RawHttp raw = RawHttp.connect(server.daemon.port());
      raw.send("GET /v1/sessions/s/events/sse?offset=100 HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(raw.readLine()).isEqualTo("HTTP/1.1 200 OK");
      long end = System.nanoTime() + idle.multipliedBy(3).toNanos();
      int keepAlives = 0;
      while (System.nanoTime() < end) {
        String line = raw.readLine();
        assertThat(line).as("the stream is still open").isNotNull();
        if (line.equals(": keep-alive")) {
          keepAlives++;
        }
      }
      assertThat(keepAlives).isGreaterThan(3);
      assertThat(raw.closedWithin(Duration.ofMillis(500))).isFalse();
      raw.close();
    }
  }
}
