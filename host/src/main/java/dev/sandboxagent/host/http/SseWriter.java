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
import java.util.Arrays;
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
    try (FrameBuffer out = new FrameBuffer(res.outputStream())) {
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
          out.frame(event.sequence(), event.json(includeRaw));
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

  /**
   * Gathers frames into large writes: the response's own stream turns every write into work of its
   * own (a chunk once the headers are out), so a batch of small frames goes out in a few writes of
   * up to {@link #CAPACITY} bytes, and everything is written by each {@link #flush()}. The buffer
   * grows to what a batch needs and is let go at each flush, so that the many streams that wait
   * for events hold none.
   */
  static final class FrameBuffer extends OutputStream {
    static final int CAPACITY = 32 * 1024;
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = {'\n', '\n'};
    /** The longest frame head: "id: ", a long's 20 digits, "\ndata: ". */
    private static final int HEAD = 4 + 20 + 7;

    private static final int INITIAL = 4 * 1024;
    private static final byte[] NONE = new byte[0];

    private final OutputStream out;
    private byte[] buffer = NONE;
    private int length;

    FrameBuffer(OutputStream out) {
      this.out = out;
    }

    /** Appends one frame: {@code id: <sequence>}, then {@code data: <json>} and a blank line. */
    void frame(long sequence, byte[] json) throws IOException {
      int body = json.length + END.length;
      // A body larger than the buffer goes out on its own, after its head.
      boolean alone = HEAD + body > CAPACITY;
      int room = alone ? HEAD : HEAD + body;
      if (length + room > CAPACITY) {
        drain();
      }
      reserve(room);
      head(sequence);
      if (alone) {
        drain();
        out.write(json);
        out.write(END);
        return;
      }
      System.arraycopy(json, 0, buffer, length, json.length);
      length += json.length;
      System.arraycopy(END, 0, buffer, length, END.length);
      length += END.length;
    }

    /** Appends a frame's head, {@code id: <sequence>} and {@code data: }, into room already made. */
    private void head(long sequence) {
      System.arraycopy(ID, 0, buffer, length, ID.length);
      length += ID.length;
      length = digits(sequence, buffer, length);
      System.arraycopy(DATA, 0, buffer, length, DATA.length);
      length += DATA.length;
    }

    /** Writes the decimal digits of a non-negative {@code value} at {@code at}; returns the end. */
    static int digits(long value, byte[] into, int at) {
      if (value < 0) {
        byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, into, at, text.length);
        return at + text.length;
      }
      int count = 1;
      for (long rest = value / 10; rest > 0; rest /= 10) {
        count++;
      }
      long rest = value;
      for (int i = at + count - 1; i >= at; i--) {
        into[i] = (byte) ('0' + (rest % 10));
        rest /= 10;
      }
      return at + count;
    }

    /** Makes room for {@code more} bytes (at most what the capacity leaves after {@code length}). */
    private void reserve(int more) {
      int needed = length + more;
      if (needed > buffer.length) {
        int size = Math.max(INITIAL, buffer.length);
        while (size < needed) {
          size *= 2;
        }
        buffer = Arrays.copyOf(buffer, Math.min(size, CAPACITY));
      }
    }

    @Override
    public void write(int b) throws IOException {
      if (length == CAPACITY) {
        drain();
      }
      reserve(1);
      buffer[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > CAPACITY - length) {
        drain();
        if (len > CAPACITY) {
          out.write(b, off, len);
          return;
        }
      }
      reserve(len);
      System.arraycopy(b, off, buffer, length, len);
      length += len;
    }

    private void drain() throws IOException {
      if (length > 0) {
        out.write(buffer, 0, length);
        length = 0;
      }
    }

    @Override
    public void flush() throws IOException {
      drain();
      buffer = NONE;
      out.flush();
    }

    /** The bytes held for the next write (for tests). */
    int held() {
      return buffer.length;
    }

    @Override
    public void close() throws IOException {
      try {
        drain();
      } finally {
        out.close();
      }
    }
  }
}
