package dev.sandboxagent.host.http;

import dev.sandboxagent.host.session.EventLog;
import dev.sandboxagent.host.session.RecordedEvent;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Streams a session's log as Server-Sent Events on the request's own (virtual) thread. Each frame
 * carries {@code id:} (the sequence) and one {@code data:} line, and no {@code event:} line, so the
 * event name stays the default {@code message} and a browser {@code EventSource.onmessage} handler
 * receives every frame; a comment keep-alive goes out when nothing else has for a while. The reader
 * is served from the log, so it never loses events however slow it is.
 */
public final class SseWriter {

  private static final System.Logger LOG = System.getLogger(SseWriter.class.getName());
  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OPENED = ": stream open\n\n".getBytes(StandardCharsets.US_ASCII);

  private final AtomicInteger open = new AtomicInteger();
  private final Duration keepAlive;

  /** A writer sending a keep-alive comment after {@code keepAlive} without an event. */
  public SseWriter(Duration keepAlive) {
    this.keepAlive = keepAlive;
  }

  /** The number of SSE responses this writer is writing right now. */
  public int openStreams() {
    return open.get();
  }

  /**
   * One turn: writes events after {@code after} until {@code last} matches one (inclusive), the
   * session ends and everything was delivered, the daemon stops, or the client goes away.
   */
  void turn(ServerResponse res, EventLog log, long after, boolean includeRaw, Predicate<RecordedEvent> last) {
    stream(res, false, log, after, includeRaw, last, false, true);
  }

  /**
   * The live log: writes events after {@code after} as they are recorded, and stays open after the
   * session has ended (with keep-alives) until the client goes away or the daemon stops, since
   * clients that see a stream end restart it. A stream with nothing to send yet starts with a
   * comment so that the client gets its headers at once (the server sends them with the first
   * bytes). A {@code HEAD} request gets the headers only.
   */
  void follow(ServerResponse res, boolean head, EventLog log, long after, boolean includeRaw) {
    stream(res, head, log, after, includeRaw, e -> false, true, false);
  }

  private void stream(ServerResponse res, boolean head, EventLog log, long after, boolean includeRaw,
      Predicate<RecordedEvent> last, boolean announce, boolean endWithSession) {
    res.status(Status.OK_200);
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    if (head) {
      res.send();
      return;
    }
    long cursor = after;
    open.incrementAndGet();
    try (OutputStream out = res.outputStream()) {
      boolean first = announce;
      while (true) {
        long wait = first ? 0 : keepAlive.toMillis();
        EventLog.Read read = endWithSession
            ? log.await(cursor, wait, TimeUnit.MILLISECONDS)
            : log.awaitFollowing(cursor, wait, TimeUnit.MILLISECONDS);
        if (read.events().isEmpty()) {
          if (read.closed() || (endWithSession && read.sealed())) {
            return;
          }
          out.write(first ? OPENED : KEEP_ALIVE);
          out.flush();
          first = false;
          continue;
        }
        first = false;
        for (RecordedEvent event : read.events()) {
          writeFrame(out, event, includeRaw);
          cursor = event.sequence();
          if (last.test(event)) {
            out.flush();
            return;
          }
        }
        out.flush();
      }
    } catch (UncheckedIOException | IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "SSE client went away: {0}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.decrementAndGet();
    }
  }

  private static void writeFrame(OutputStream out, RecordedEvent event, boolean includeRaw) throws IOException {
    StringBuilder head = new StringBuilder(48)
        .append("id: ").append(event.sequence()).append('\n')
        .append("data: ");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(event.json(includeRaw));
    out.write('\n');
    out.write('\n');
  }
}
