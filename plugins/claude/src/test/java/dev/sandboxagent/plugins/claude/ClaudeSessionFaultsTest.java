package dev.sandboxagent.plugins.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Claude Code that goes silent or exits in the middle of a turn: the turn ends with an {@code
 * error} instead of staying open, with small stand-in programs.
 */
@Timeout(60)
class ClaudeSessionFaultsTest {

  private static final String INIT_RESPONSE =
      "{\"type\":\"control_response\",\"response\":{\"subtype\":\"success\",\"request_id\":\"init_1\"}}";
  private static final String RESULT = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
      + "\"result\":\"done\",\"session_id\":\"s-1\",\"duration_ms\":1}";

  @TempDir Path dir;
  private TestSessionContext context;

  @AfterEach
  void closeContext() {
    if (context != null) {
      context.close();
    }
  }

  private ClaudeSession session(String script, Duration idleTimeout) throws IOException {
    Path program = dir.resolve("claude");
    Files.writeString(program, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    context = TestSessionContext.of("s", program, dir, Map.of());
    return new ClaudeSession(context, ClaudeTranslator::new, idleTimeout);
  }

  private static Predicate<AgentEvent> error(String code) {
    return e -> e.data() instanceof EventData.Error error && code.equals(error.code());
  }

  @Test
  void aSilentTurnEndsWithAnErrorAfterTheIdleTimeoutAndItsProcessIsStopped() throws Exception {
    ClaudeSession session = session("""
        while IFS= read -r line; do
          case "$line" in *'"initialize"'*) echo '%s' ;; esac
        done
        """.formatted(INIT_RESPONSE), Duration.ofSeconds(1));
    session.send("Say hello.");
    AgentEvent error = context.awaitEvent(error("idle_timeout"), Duration.ofSeconds(20));
    assertThat(((EventData.Error) error.data()).message()).isEqualTo("Claude Code wrote nothing for 1 s; the turn was stopped");
    context.awaitExits(1, Duration.ofSeconds(20));
    assertThat(context.processes().get(0).isAlive()).isFalse();
    assertThat(context.recorded()).filteredOn(e -> e.type() == EventType.ERROR).containsExactly(error);

    // the next message runs a new process, watched in the same way
    session.send("Again.");
    assertThat(context.processes()).hasSize(2);
    context.awaitExits(2, Duration.ofSeconds(20));
    assertThat(context.recorded()).filteredOn(e -> e.type() == EventType.ERROR).hasSize(2);
  }

  @Test
  void anExitWithStatusZeroBeforeTheResultEndsTheTurnWithAnError() throws Exception {
    ClaudeSession session = session("""
        IFS= read -r line
        echo '%s'
        IFS= read -r line
        exit 0
        """.formatted(INIT_RESPONSE), Duration.ofMinutes(10));
    session.send("Say hello.");
    AgentEvent error = context.awaitEvent(error("process_exit"), Duration.ofSeconds(20));
    assertThat(((EventData.Error) error.data()).message())
        .isEqualTo("Claude Code exited with status 0 before the end of its turn");
  }

  @Test
  void anExitAfterTheResultIsNoError() throws Exception {
    ClaudeSession session = session("""
        IFS= read -r line
        echo '%s'
        IFS= read -r line
        echo '%s'
        exit 0
        """.formatted(INIT_RESPONSE, RESULT), Duration.ofMinutes(10));
    session.send("Say hello.");
    context.awaitExits(1, Duration.ofSeconds(20));
    assertThat(context.recorded()).anyMatch(e -> e.type() == EventType.ITEM_COMPLETED
        && e.toString().contains("turn.completed"));
    assertThat(context.recorded()).noneMatch(e -> e.type() == EventType.ERROR);
  }

  @Test
  void aTurnWaitingForAPermissionIsNotIdle() throws Exception {
    ClaudeSession session = session("""
        IFS= read -r line
        echo '%s'
        IFS= read -r line
        echo '{"type":"control_request","request_id":"ask-1","request":{"subtype":"can_use_tool","tool_name":"Bash","input":{"command":"touch x"}}}'
        IFS= read -r reply
        echo '%s'
        while IFS= read -r line; do :; done
        """.formatted(INIT_RESPONSE, RESULT), Duration.ofMillis(300));
    session.send("Create x.");
    context.awaitEvent(e -> e.type() == EventType.PERMISSION_REQUESTED, Duration.ofSeconds(20));
    Thread.sleep(1500); // five idle timeouts while the user decides
    session.replyPermission(new PendingPermission("ask-1", "Bash", null, null), PermissionReply.ONCE);
    context.awaitEvent(e -> e.type() == EventType.ITEM_COMPLETED && e.toString().contains("turn.completed"),
        Duration.ofSeconds(20));
    assertThat(context.recorded()).noneMatch(e -> e.type() == EventType.ERROR);
  }
}
