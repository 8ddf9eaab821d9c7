package dev.sandboxagent.plugins.amp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An Amp that exits early or goes silent: the turn ends with an {@code error}, with stand-in programs. */
@Timeout(60)
class AmpSessionFaultsTest {

  @TempDir Path dir;
  private TestSessionContext context;

  @AfterEach
  void closeContext() {
    if (context != null) {
      context.close();
    }
  }

  private AmpSession session(String script, Duration idleTimeout) throws IOException {
    Path program = dir.resolve("amp");
    Files.writeString(program, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    context = TestSessionContext.of("s", program, dir, Map.of());
    return new AmpSession(context, idleTimeout);
  }

  @Test
  void anExitWithStatusZeroAndNoResultEndsTheTurnWithAnError() throws Exception {
    AmpSession session = session("""
        echo '{"type":"system","subtype":"init","session_id":"T-1"}'
        exit 0
        """, Duration.ofMinutes(2));
    session.send("Say hello.");
    AgentEvent error = context.awaitEvent(e -> e.type() == EventType.ERROR, Duration.ofSeconds(20));
    assertThat(((EventData.Error) error.data()).message()).isEqualTo("Amp exited with status 0 before the end of its turn");
    session.close();
  }

  @Test
  void aSilentAmpEndsTheTurnWithAnErrorAfterTheIdleTimeout() throws Exception {
    AmpSession session = session("exec sleep 300\n", Duration.ofSeconds(1));
    session.send("Say hello.");
    AgentEvent error = context.awaitEvent(e -> e.type() == EventType.ERROR, Duration.ofSeconds(20));
    assertThat(((EventData.Error) error.data()).message()).startsWith("Amp wrote nothing for 1 s; the turn was stopped");
    context.awaitExits(1, Duration.ofSeconds(20));
    session.close();
  }
}
