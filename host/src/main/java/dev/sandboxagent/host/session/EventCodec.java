package dev.sandboxagent.host.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.event.UniversalEvent;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Encodes events for the log: compact JSON and the API's timestamp format. */
public final class EventCodec {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  private final ObjectMapper mapper;

  public EventCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Encodes an event, once without and (when it has one) once with its raw payload. */
  public RecordedEvent encode(UniversalEvent event) {
    try {
      byte[] withRaw = mapper.writeValueAsBytes(event);
      byte[] withoutRaw = event.raw() == null ? withRaw : mapper.writeValueAsBytes(event.withoutRaw());
      return new RecordedEvent(event, withoutRaw, withRaw);
    } catch (JsonProcessingException e) {
      // A raw payload Jackson cannot write is a plugin bug; keep the event without it.
      try {
        byte[] withoutRaw = mapper.writeValueAsBytes(event.withoutRaw());
        return new RecordedEvent(event.withoutRaw(), withoutRaw, withoutRaw);
      } catch (JsonProcessingException again) {
        throw new UncheckedIOException(again);
      }
    }
  }

  /**
   * RFC 3339 in UTC with a {@code Z}, fractional seconds only when non-zero and without trailing
   * zeros, e.g. {@code 2026-01-25T10:00:00.48213Z}.
   */
  public static String formatTime(Instant instant) {
    StringBuilder sb = new StringBuilder(32).append(SECONDS.format(instant));
    int nanos = instant.getNano();
    if (nanos != 0) {
      String digits = String.format("%09d", nanos);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(digits, 0, end);
    }
    return sb.append('Z').toString();
  }
}
