package dev.sandboxagent.api.support;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads server-sent-event frames ({@code text/event-stream}) as the HTML standard defines them: a
 * leading byte-order mark is skipped; lines end with CRLF, LF or CR; lines starting with {@code :}
 * are comments (keep-alives); {@code data:} lines of one frame are joined with LF; a blank line ends
 * the frame; a frame without data is not dispatched, and a frame cut off by the end of the stream is
 * dropped. The frame's own {@code id} and {@code event} are reported as they are (null when absent):
 * keeping the last id across frames is the reader's business. Not thread-safe.
 *
 * @since 1.1
 */
public final class EventStreamParser {

  /**
   * One dispatched frame.
   *
   * @param id the frame's {@code id:} value, or null
   * @param event the frame's {@code event:} value, or null
   * @param data the frame's data
   */
  public record Frame(String id, String event, String data) {
    /** Checks the data. */
    public Frame {
      requireNonNull(data, "data is null");
    }
  }

  private final InputStream in;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean pendingLf;
  private boolean started;

  /** A parser of {@code in}, which it reads byte by byte: give it a buffered stream. */
  public EventStreamParser(InputStream in) {
    this.in = requireNonNull(in, "in is null");
  }

  /** The next frame, or null at the end of the stream. */
  public Frame next() throws IOException {
    String id = null;
    String event = null;
    StringBuilder data = null;
    String l;
    while ((l = readLine()) != null) {
      if (l.isEmpty()) {
        if (data != null) {
          return new Frame(id, event, data.toString());
        }
        id = null;
        event = null;
        continue;
      }
      if (l.startsWith(":")) {
        continue;
      }
      int colon = l.indexOf(':');
      String field = colon < 0 ? l : l.substring(0, colon);
      String value = colon < 0 ? "" : l.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        case "id" -> id = value;
        case "event" -> event = value;
        default -> {
          // retry and unknown fields are ignored
        }
      }
    }
    return null;
  }

  /** One line without its terminator, or null at the end of the stream (an unterminated last line is dropped). */
  private String readLine() throws IOException {
    line.reset();
    int b;
    while ((b = in.read()) >= 0) {

      if (pendingLf) {
        pendingLf = false;
        if (b == '\n') {
          continue;
        }
      }
      if (b == '\n') {
        return decoded();
      }
      if (b == '\r') {
        pendingLf = true;
        return decoded();
      }
      line.write(b);
    }
    return null;
  }

  /** The line read, without the byte-order mark the stream may start with. */
  private String decoded() {
    String text = line.toString(StandardCharsets.UTF_8);
    if (!started) {
      started = true;
      if (text.startsWith("\uFEFF")) {
        return text.substring(1);
      }
    }
    return text;
  }
}
