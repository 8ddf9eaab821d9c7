package dev.sandboxagent.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a byte stream into UTF-8 lines, however the bytes are chunked. The host uses it on agent
 * output and the test kit uses the same class, so golden tests see exactly what a live session sees.
 *
 * <p>A line ends at {@code \n}; a trailing {@code \r} is removed. Bytes of a line beyond {@code
 * maxLineBytes} are dropped (the line is still delivered, cut, so a translator reports it as
 * unparsed instead of the daemon running out of memory). Not thread-safe.
 */
public final class LineDecoder {

  /** The default cap on one line: 32 MiB, far above any real agent record. */
  public static final int DEFAULT_MAX_LINE_BYTES = 32 << 20;

  private final int maxLineBytes;
  private final ByteArrayOutputStream current = new ByteArrayOutputStream(256);
  private boolean overflowed;
  private boolean lineOverflowed;

  /** A decoder with the default line cap. */
  public LineDecoder() {
    this(DEFAULT_MAX_LINE_BYTES);
  }

  /** A decoder that keeps at most {@code maxLineBytes} bytes of each line. */
  public LineDecoder(int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive");
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** Feeds bytes; returns the lines they complete, in order. */
  public List<String> feed(byte[] bytes, int offset, int length) {
    List<String> lines = new ArrayList<>(2);
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (bytes[i] == '\n') {
        append(bytes, start, i - start);
        lines.add(take());
        start = i + 1;
      }
    }
    append(bytes, start, end - start);
    return lines;
  }

  /** Feeds all of {@code bytes}. */
  public List<String> feed(byte[] bytes) {
    return feed(bytes, 0, bytes.length);
  }

  /** Ends the stream: returns the last line if it had no terminator, else nothing. */
  public List<String> finish() {
    if (current.size() == 0 && !lineOverflowed) {
      return List.of();
    }
    return List.of(take());
  }

  /** Whether any line so far was longer than the cap. */
  public boolean overflowed() {
    return overflowed;
  }

  private void append(byte[] bytes, int offset, int length) {
    int room = maxLineBytes - current.size();
    if (length > room) {
      overflowed = true;
      lineOverflowed = true;
      length = Math.max(room, 0);
    }
    current.write(bytes, offset, length);
  }

  private String take() {
    byte[] line = current.toByteArray();
    current.reset();
    lineOverflowed = false;
    int n = line.length;
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    return new String(line, 0, n, StandardCharsets.UTF_8);
  }
}
