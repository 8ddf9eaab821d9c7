package dev.sandboxagent.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.event.UniversalEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resumption of the live stream, over byte streams standing in for connections. */
class EventStreamTest {

  private static final URI ENDPOINT = URI.create("http://127.0.0.1:9");

  private static String frame(long sequence) {
    return "id: " + sequence + "\ndata: {\"event_id\":\"evt_" + sequence + "\",\"sequence\":" + sequence
        + ",\"time\":\"2026-01-01T00:00:00Z\",\"session_id\":\"s\",\"native_session_id\":null,\"synthetic\":true,"
        + "\"source\":\"daemon\",\"type\":\"session.started\",\"data\":{\"metadata\":null},\"raw\":null}\n\n";
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void resumesAfterTheLastDeliveredEventWhenAConnectionEndsOrBreaksMidFrame() {
    List<Long> offsets = new ArrayList<>();
    EventStream stream = new EventStream(after -> {
      offsets.add(after);
      return switch (offsets.size()) {
        // the second frame is cut off in the middle
        case 1 -> bytes(frame(1) + ": keep-alive\n\n" + frame(2).substring(0, 30));
        // a server that replays what was asked to skip is not believed
        case 2 -> bytes(frame(1) + frame(2) + frame(3));
        default -> bytes(frame(after + 1));
      };
    }, true, 0, SandboxAgentClient.JSON, ENDPOINT).open();
    List<Long> seen = new ArrayList<>();
    while (seen.size() < 5) {
      seen.add(stream.next().sequence());
    }
    stream.close();
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(offsets).containsExactly(0L, 1L, 3L, 4L);
    assertThat(stream.hasNext()).isFalse();
  }

  @Test
  void givesUpAsUnreachableAfterRepeatedFailuresWithoutProgress() {
    List<Long> offsets = new ArrayList<>();
    EventStream stream = new EventStream(after -> {
      offsets.add(after);
      if (offsets.size() == 1) {
        return bytes(frame(1));
      }
      throw new ConnectException("Connection refused");
    }, true, 0, SandboxAgentClient.JSON, ENDPOINT).open();
    stream.backoffMillis = 1;
    assertThat(stream.next().sequence()).isEqualTo(1);
    assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(DaemonUnreachableException.class, e -> {
      assertThat(e.getMessage()).isEqualTo("the sandbox-agent daemon is not reachable at " + ENDPOINT
          + ": Connection refused");
      assertThat(e.endpoint()).isEqualTo(ENDPOINT);
    });
    assertThat(offsets).hasSize(1 + EventStream.MAX_RECONNECTS).allMatch(o -> o <= 1);
  }

  @Test
  void aTurnStreamEndsWithItsConnection() {
    EventStream stream = new EventStream(after -> bytes(frame(1) + frame(2)), false, 0, SandboxAgentClient.JSON,
        ENDPOINT).open();
    assertThat(stream.stream().map(UniversalEvent::sequence).toList()).containsExactly(1L, 2L);
  }
}
