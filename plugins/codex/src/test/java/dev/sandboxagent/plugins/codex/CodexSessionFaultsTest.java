package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Turns of a stand-in {@code codex app-server} that run a long command, go silent or exit: the
 * session interrupts its turn on terminate and when the host stops a silent one, and an exit in the
 * middle of a turn reaches only the session whose turn it cut.
 */
@Timeout(60)
class CodexSessionFaultsTest {

  /**
   * By the turn's text: "sleep" starts {@code sleep 271} (its pid in command.pid) and reports the
   * command; "exit" exits with status 0; anything else says nothing more. {@code turn/interrupt}
   * kills the command and completes the turn as interrupted.
   */
  private static final String TURNS = """
          *'"method":"turn/start"'*sleep*)
            echo "{\\"id\\":$id,\\"result\\":{\\"turn\\":{\\"id\\":\\"turn_$id\\",\\"status\\":\\"inProgress\\"}}}"
            sleep 271 >/dev/null 2>&1 &
            echo $! > "$dir/command.pid"
            echo "{\\"method\\":\\"item/started\\",\\"params\\":{\\"threadId\\":\\"$thread\\",\\"turnId\\":\\"turn_$id\\",\\"item\\":{\\"type\\":\\"commandExecution\\",\\"id\\":\\"cmd_$id\\",\\"command\\":\\"sleep 271\\",\\"status\\":\\"inProgress\\"}}}" ;;
          *'"method":"turn/start"'*exit*) exit 0 ;;
          *'"method":"turn/start"'*)
            echo "{\\"id\\":$id,\\"result\\":{\\"turn\\":{\\"id\\":\\"turn_$id\\",\\"status\\":\\"inProgress\\"}}}" ;;
          *'"method":"turn/interrupt"'*)
            [ -f "$dir/command.pid" ] && kill "$(cat "$dir/command.pid")"
            echo "{\\"id\\":$id,\\"result\\":{}}"
            turn=$(printf '%s' "$line" | sed -n 's/.*"turnId":"\\([^"]*\\)".*/\\1/p')
            echo "{\\"method\\":\\"turn/completed\\",\\"params\\":{\\"threadId\\":\\"$thread\\",\\"turn\\":{\\"id\\":\\"$turn\\",\\"status\\":\\"interrupted\\"}}}" ;;
      """;

  @TempDir Path dir;
  private TestSessionContext first;
  private TestSessionContext second;

  @BeforeEach
  void writeTheServer() throws IOException {
    Path program = StandInAppServer.write(dir, TURNS);
    Map<String, String> env = Map.of("CODEX_HOME", Files.createDirectories(dir.resolve("home")).toString());
    first = TestSessionContext.of("s1", program, dir, env);
    second = TestSessionContext.of("s2", program, dir, env).sharingServersWith(first);
  }

  @AfterEach
  void stop() {
    first.close();
    second.close();
  }

  private static Predicate<AgentEvent> error(String code) {
    return e -> e.data() instanceof EventData.Error error && code.equals(error.code());
  }


  @Test
  void terminatingInterruptsTheRunningTurnAndEndsItsCommand() throws Exception {
    CodexSession session = CodexSession.open(first);
    session.send("Run sleep 271.");
    first.awaitEvent(e -> e.type() == EventType.ITEM_STARTED, Duration.ofSeconds(20));
    long command = Long.parseLong(Files.readString(dir.resolve("command.pid")).strip());
    assertThat(ProcessHandle.of(command)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

    session.close();
    StandInAppServer.awaitStdin(dir, "\"method\":\"turn/interrupt\",\"params\":{\"threadId\":\"thr_2\",\"turnId\":\"turn_3\"}");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (ProcessHandle.of(command).map(ProcessHandle::isAlive).orElse(false)) {
      assertThat(System.nanoTime()).as("the command has ended").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void aTurnTheHostInterruptsIsInterruptedOnTheServer() throws Exception {
    CodexSession session = CodexSession.open(first);
    session.send("Say hello.");
    String interrupt = "\"method\":\"turn/interrupt\",\"params\":{\"threadId\":\"thr_2\",\"turnId\":\"turn_3\"}";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    // the turn's id comes with the server's answer to turn/start: until then there is nothing to interrupt
    while (!(Files.exists(dir.resolve("stdin.log")) && Files.readString(dir.resolve("stdin.log")).contains(interrupt))) {
      assertThat(System.nanoTime()).as("the server read %s", interrupt).isLessThan(deadline);
      session.interruptTurn();
      Thread.sleep(50);
    }
    session.close();
  }

  @Test
  void anExitInTheMiddleOfATurnIsAnErrorForThatSessionOnly() throws Exception {
    CodexSession idle = CodexSession.open(first);
    CodexSession busy = CodexSession.open(second);
    busy.send("exit");
    AgentEvent error = second.awaitEvent(error("process_exit"), Duration.ofSeconds(20));
    assertThat(((EventData.Error) error.data()).message()).isEqualTo("codex app-server exited with status 0 in the middle of the turn");
    first.awaitExits(1, Duration.ofSeconds(20));
    assertThat(first.recorded()).isEmpty();
    idle.close();
    busy.close();
  }
}
