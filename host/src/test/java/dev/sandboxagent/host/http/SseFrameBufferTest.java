package dev.sandboxagent.host.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFrameBufferTest {

  /** Records each write it receives, to see how the frames were gathered. */
  private static final class Recording extends ByteArrayOutputStream {
    final List<Integer> writes = new ArrayList<>();
    int flushes;

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.add(len);
      super.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  private static String frame(long sequence, String json) {
    return "id: " + sequence + "\ndata: " + json + "\n\n";
  }

  @Test
  void framesAreTheSseFormatForEverySequence() throws IOException {
    Recording out = new Recording();
    StringBuilder expected = new StringBuilder();
    long[] sequences = {0, 1, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE};
    try (SseWriter.FrameBuffer buffer = new SseWriter.FrameBuffer(out)) {
      for (long sequence : sequences) {
        String json = "{\"sequence\":" + sequence + ",\"text\":\"é\"}";
        buffer.frame(sequence, json.getBytes(StandardCharsets.UTF_8));
        expected.append(frame(sequence, json));
      }
    }
    assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void smallFramesGoOutTogetherAndOnlyWhenFlushed() throws IOException {
    Recording out = new Recording();
    SseWriter.FrameBuffer buffer = new SseWriter.FrameBuffer(out);
    for (int i = 1; i <= 50; i++) {
      buffer.frame(i, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(buffer.held() <= 4096, "the buffer is sized to the batch: " + buffer.held());
    assertEquals(List.of(), out.writes, "nothing is written before a flush");
    buffer.flush();
    assertEquals(1, out.writes.size(), "fifty small frames are one write");
    assertEquals(1, out.flushes);
    assertEquals(0, buffer.held(), "a waiting stream holds no buffer");
    assertTrue(out.toString(StandardCharsets.UTF_8).endsWith(frame(50, "{\"a\":1}")));
  }

  @Test
  void framesCrossingTheBufferAndFramesLargerThanItStayWhole() throws IOException {
    Recording out = new Recording();
    StringBuilder expected = new StringBuilder();
    String big = "{\"text\":\"" + "x".repeat(SseWriter.FrameBuffer.CAPACITY * 2) + "\"}";
    try (SseWriter.FrameBuffer buffer = new SseWriter.FrameBuffer(out)) {
      for (int i = 0; i < 3_000; i++) {
        String json = i % 1_000 == 500 ? big : "{\"n\":" + i + ",\"pad\":\"" + "p".repeat(i % 97) + "\"}";
        buffer.frame(i, json.getBytes(StandardCharsets.UTF_8));
        expected.append(frame(i, json));
      }
    }
    assertArrayEquals(expected.toString().getBytes(StandardCharsets.UTF_8), out.toByteArray());
    assertTrue(out.writes.stream().allMatch(n -> n <= SseWriter.FrameBuffer.CAPACITY || n > big.length() - 1),
        "writes are at most the buffer's size, except a frame's body larger than it: " + out.writes);
  }

  @Test
  void plainWritesPassThroughInOrder() throws IOException {
    Recording out = new Recording();
    try (SseWriter.FrameBuffer buffer = new SseWriter.FrameBuffer(out)) {
      buffer.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
      buffer.frame(7, "{}".getBytes(StandardCharsets.US_ASCII));
      buffer.write('x');
    }
    assertEquals(": keep-alive\n\n" + frame(7, "{}") + "x", out.toString(StandardCharsets.US_ASCII));
  }
}
