package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.http.TestServer.Frame;
import dev.sandboxagent.host.http.TestServer.SseStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Server-Sent Events: framing, replay, resume, fan-out, slow readers, keep-alive, stream ends. */
@Timeout(60)
class SseTest {

  @TempDir Path tmp;
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(tmp, null, CorsConfig.disabled(), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofMillis(150), List.of(new ScriptAdapter()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private SseStream sse(String path) {
    return server.sse(server.request(path).GET().build());
  }

  private static List<Frame> read(SseStream stream, int count) throws Exception {
    List<Frame> frames = new ArrayList<>();
    while (frames.size() < count) {
      Frame f = stream.nextEvent();
      assertThat(f).as("frame %s of %s", frames.size() + 1, count).isNotNull();
      frames.add(f);
    }
    return frames;
  }

  @Test
  void aQuietStreamAnswersAtOnceWithAComment() throws Exception {
    try (TestServer quiet = TestServer.start(tmp.resolve("quiet"), null, CorsConfig.disabled(),
        HostConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(30), List.of(new ScriptAdapter()))) {
      quiet.post("/v1/sessions/q", "{\"agent\":\"script\"}");
      long start = System.nanoTime();
      java.net.http.HttpResponse<java.io.InputStream> sse = quiet.http.send(
          quiet.request("/v1/sessions/q/events/sse?offset=1").GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.BufferedReader reader = new java.io.BufferedReader(
          new java.io.InputStreamReader(sse.body(), java.nio.charset.StandardCharsets.UTF_8))) {
        assertThat(sse.statusCode()).isEqualTo(200);
        assertThat(reader.readLine()).isEqualTo(": stream open");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("well before the 30 s keep-alive")
            .isLessThan(Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void replaysThenStreamsLiveFramesWithIdAndNoEventName() throws Exception {
    server.createSession("s");
    server.post("/v1/sessions/s/messages", "{\"message\":\"reply line one\\nline two\"}");
    JsonNode polled = server.awaitEvents("s", 4);
    try (SseStream stream = sse("/v1/sessions/s/events/sse")) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.response.headers().firstValue("content-type")).hasValue("text/event-stream");
      assertThat(stream.response.headers().firstValue("cache-control")).hasValue("no-cache");
      List<Frame> replay = read(stream, 4);
      for (int i = 0; i < 4; i++) {
        assertThat(replay.get(i).id()).isEqualTo(String.valueOf(i + 1));
        assertThat(replay.get(i).event()).as("no event: line, so EventSource.onmessage gets the frame").isNull();
        assertThat(replay.get(i).type()).isEqualTo(polled.get(i).get("type").asText());
        assertThat(replay.get(i).json()).isEqualTo(polled.get(i));
      }
      assertThat(replay.get(2).json().get("data").get("delta").asText()).isEqualTo("line one\nline two");
      server.post("/v1/sessions/s/messages", "{\"message\":\"reply live\"}");
      List<Frame> live = read(stream, 3);
      assertThat(live).extracting(Frame::id).containsExactly("5", "6", "7");
      assertThat(live).extracting(Frame::event).containsOnlyNulls();
      assertThat(live.get(2).json().get("raw").isNull()).isTrue();
    }
  }

  @Test
  void includeRawKeepsTheNativePayload() throws Exception {
    server.createSession("r");
    server.post("/v1/sessions/r/messages", "{\"message\":\"reply raw\"}");
    server.awaitEvents("r", 4);
    try (SseStream stream = sse("/v1/sessions/r/events/sse?offset=3&include_raw=true")) {
      assertThat(read(stream, 1).get(0).json().get("raw").toString()).isEqualTo("{\"native\":\"raw\"}");
    }
    JsonNode polled = TestServer.json(server.get("/v1/sessions/r/events?offset=3&includeRaw=true"));
    assertThat(polled.get("events").get(0).get("raw").get("native").asText()).isEqualTo("raw");
  }

  @Test
  void resumesFromOffsetAndFromLastEventId() throws Exception {
    server.createSession("o");
    server.post("/v1/sessions/o/messages", "{\"message\":\"reply a\"}");
    server.post("/v1/sessions/o/messages", "{\"message\":\"reply b\"}");
    server.awaitEvents("o", 7);
    try (SseStream stream = sse("/v1/sessions/o/events/sse?offset=2")) {
      assertThat(read(stream, 1).get(0).id()).isEqualTo("3");
    }
    try (SseStream stream = server.sse(server.request("/v1/sessions/o/events/sse")
        .header("Last-Event-ID", "5").GET().build())) {
      assertThat(read(stream, 2)).extracting(Frame::id).containsExactly("6", "7");
    }
    try (SseStream stream = server.sse(server.request("/v1/sessions/o/events/sse?offset=1")
        .header("Last-Event-ID", "4").GET().build())) {
      assertThat(read(stream, 1).get(0).id()).isEqualTo("5");
    }
    HttpResponse<String> bad = server.send(server.request("/v1/sessions/o/events/sse")
        .header("Last-Event-ID", "x").GET().build());
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void concurrentSubscribersSeeIdenticalSequences() throws Exception {
    server.createSession("c");
    try (SseStream a = sse("/v1/sessions/c/events/sse"); SseStream b = sse("/v1/sessions/c/events/sse")) {
      server.post("/v1/sessions/c/messages", "{\"message\":\"burst 3000\"}");
      CompletableFuture<List<Frame>> fa = CompletableFuture.supplyAsync(() -> readUnchecked(a, 3003));
      CompletableFuture<List<Frame>> fb = CompletableFuture.supplyAsync(() -> readUnchecked(b, 3003));
      List<String> sa = fa.get(30, TimeUnit.SECONDS).stream().map(Frame::data).toList();
      List<String> sb = fb.get(30, TimeUnit.SECONDS).stream().map(Frame::data).toList();
      assertThat(sa).hasSize(3003).isEqualTo(sb);
    }
  }

  @Test
  void aSlowReaderLosesNothing() throws Exception {
    server.createSession("slow");
    try (SseStream stream = sse("/v1/sessions/slow/events/sse")) {
      server.post("/v1/sessions/slow/messages", "{\"message\":\"burst 20000\"}");
      server.awaitEvents("slow", 20003);
      Thread.sleep(300);
      List<Frame> frames = read(stream, 20003);
      for (int i = 0; i < frames.size(); i++) {
        assertThat(frames.get(i).id()).isEqualTo(String.valueOf(i + 1));
      }
      assertThat(frames.get(20002).json().get("type").asText()).isEqualTo("item.completed");
    }
  }

  @Test
  void sendsKeepAlivesAndFreesTheStreamWhenTheClientGoesAway() throws Exception {
    server.createSession("k");
    int before = server.daemon.openEventStreams();
    SseStream stream = sse("/v1/sessions/k/events/sse");
    assertThat(stream.nextEvent().type()).isEqualTo("session.started");
    Frame keepAlive = stream.next();
    assertThat(keepAlive.data()).isNull();
    assertThat(keepAlive.comments()).containsExactly("keep-alive");
    assertThat(server.daemon.openEventStreams()).isEqualTo(before + 1);
    stream.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.daemon.openEventStreams() > before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(server.daemon.openEventStreams()).as("stream freed after disconnect").isEqualTo(before);
  }

  @Test
  void theStreamStaysOpenAfterSessionEndedWithKeepAlives() throws Exception {
    server.createSession("e");
    try (SseStream stream = sse("/v1/sessions/e/events/sse")) {
      assertThat(stream.nextEvent().type()).isEqualTo("session.started");
      server.postEmpty("/v1/sessions/e/terminate");
      assertThat(stream.nextEvent().type()).isEqualTo("session.ended");
      assertKeepsAlive(stream, 4);
    }
    try (SseStream replay = sse("/v1/sessions/e/events/sse")) {
      assertThat(read(replay, 2)).extracting(Frame::type).containsExactly("session.started", "session.ended");
      assertKeepsAlive(replay, 3);
    }
    try (SseStream beyond = sse("/v1/sessions/e/events/sse?offset=2")) {
      assertThat(beyond.next().comments()).containsExactly("stream open");
      assertKeepsAlive(beyond, 2);
    }
  }

  /** The next {@code count} blocks are keep-alive comments: the stream neither ends nor sends events. */
  private static void assertKeepsAlive(SseStream stream, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      Frame f = stream.next();
      assertThat(f).as("block %s after the end: the stream is still open", i + 1).isNotNull();
      assertThat(f.data()).isNull();
      assertThat(f.comments()).containsExactly("keep-alive");
    }
  }

  @Test
  void daemonShutdownClosesTheStreamOfAnEndedSession() throws Exception {
    server.createSession("de");
    server.postEmpty("/v1/sessions/de/terminate");
    SseStream stream = sse("/v1/sessions/de/events/sse");
    assertThat(read(stream, 2)).extracting(Frame::type).containsExactly("session.started", "session.ended");
    CompletableFuture<List<Frame>> rest = readRestInBackground(stream);
    server.close();
    assertThat(rest.get(5, TimeUnit.SECONDS)).allSatisfy(f -> assertThat(f.data()).isNull());
  }

  @Test
  void theTurnStreamCarriesOneTurnAndEndsAtItsTerminalEvent() throws Exception {
    server.createSession("turn");
    server.post("/v1/sessions/turn/messages", "{\"message\":\"reply before\"}");
    server.awaitEvents("turn", 4);
    try (SseStream stream = server.sse(server.request("/v1/sessions/turn/messages/stream")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"reply hi\"}")).build())) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      List<Frame> frames = stream.readToEnd();
      assertThat(frames).extracting(Frame::type).containsExactly("item.started", "item.delta", "item.completed");
      assertThat(frames.get(0).id()).isEqualTo("5");
    }
    try (SseStream stream = server.sse(server.request("/v1/sessions/turn/messages/stream")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"ask\"}")).build())) {
      assertThat(stream.readToEnd()).extracting(Frame::type).containsExactly("question.requested");
    }
    HttpResponse<String> failed = server.post("/v1/sessions/turn/messages/stream", "{\"message\":\"fail\"}");
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.headers().firstValue("content-type")).hasValue("application/json");
    HttpResponse<String> badQuery = server.send(server.request("/v1/sessions/turn/messages/stream?include_raw=2")
        .POST(HttpRequest.BodyPublishers.ofString("not json")).build());
    assertThat(badQuery.statusCode()).isEqualTo(400);
  }

  @Test
  void daemonShutdownClosesOpenStreams() throws Exception {
    server.createSession("d");
    SseStream stream = sse("/v1/sessions/d/events/sse");
    assertThat(stream.nextEvent()).isNotNull();
    CompletableFuture<List<Frame>> rest = readRestInBackground(stream);
    server.close();
    rest.get(5, TimeUnit.SECONDS);
    assertThat(rest).isDone();
  }

  /** Reads the stream to its end on another thread; a broken connection counts as the end. */
  private static CompletableFuture<List<Frame>> readRestInBackground(SseStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return stream.readToEnd();
      } catch (Exception e) {
        return List.of();
      }
    });
  }

  private static List<Frame> readUnchecked(SseStream stream, int count) {
    try {
      return read(stream, count);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
