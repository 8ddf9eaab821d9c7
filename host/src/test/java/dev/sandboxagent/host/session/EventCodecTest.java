package dev.sandboxagent.host.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  @Test
  void formatsTimesWithoutTrailingZeros() {
    assertThat(EventCodec.formatTime(Instant.parse("2026-01-25T10:00:00Z"))).isEqualTo("2026-01-25T10:00:00Z");
    assertThat(EventCodec.formatTime(Instant.parse("2026-01-25T10:00:00.480Z")))
        .isEqualTo("2026-01-25T10:00:00.48Z");
    assertThat(EventCodec.formatTime(Instant.parse("2026-01-25T10:00:00.123456789Z")))
        .isEqualTo("2026-01-25T10:00:00.123456789Z");
    assertThat(EventCodec.formatTime(Instant.parse("2026-01-25T10:00:00.000000100Z")))
        .isEqualTo("2026-01-25T10:00:00.0000001Z");
  }
}
