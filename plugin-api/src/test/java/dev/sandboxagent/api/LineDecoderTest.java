package dev.sandboxagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {

  private static List<String> decode(byte[] bytes, int chunk, LineDecoder decoder) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunk) {
      lines.addAll(decoder.feed(bytes, i, Math.min(chunk, bytes.length - i)));
    }
    lines.addAll(decoder.finish());
    return lines;
  }

  @Test
  void sameLinesWhateverTheChunking() {
    byte[] bytes = "{\"a\":\"héllo ✓\"}\r\nsecond\n\nlast without newline".getBytes(StandardCharsets.UTF_8);
    for (int chunk = 1; chunk <= bytes.length; chunk++) {
      assertThat(decode(bytes, chunk, new LineDecoder()))
          .as("chunk %d", chunk)
          .containsExactly("{\"a\":\"héllo ✓\"}", "second", "", "last without newline");
    }
  }

  @Test
  void finishAfterTerminatedLineGivesNothing() {
    LineDecoder decoder = new LineDecoder();
    assertThat(decoder.feed("x\n".getBytes(StandardCharsets.UTF_8))).containsExactly("x");
    assertThat(decoder.finish()).isEmpty();
  }

  @Test
  void overlongLinesAreCutNotBuffered() {
    LineDecoder decoder = new LineDecoder(4);
    byte[] bytes = "abcdefgh\nij\n".getBytes(StandardCharsets.UTF_8);
    assertThat(decode(bytes, 3, decoder)).containsExactly("abcd", "ij");
    assertThat(decoder.overflowed()).isTrue();
  }

  @Test
  void rejectsNonPositiveCap() {
    assertThatThrownBy(() -> new LineDecoder(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
