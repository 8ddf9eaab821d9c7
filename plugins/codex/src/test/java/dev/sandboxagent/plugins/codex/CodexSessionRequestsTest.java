package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests a stand-in {@code codex app-server} makes of a session: an approval is answered when its
 * permission is replied to, and a request the session cannot answer is refused at once.
 */
@Timeout(60)
class CodexSessionRequestsTest {

  /**
   * Answers the handshake and {@code thread/start} ({@code thr_<request id>}); a turn asks for a
   * command approval (request 5) and for user input (request 6), then reads two answers. Every
   * line read goes to stdin.log.
   */
  private static final String APP_SERVER = """
      #!/bin/sh
      dir=$(dirname "$0")
      while IFS= read -r line; do
        printf '%s\\n' "$line" >> "$dir/stdin.log"
        id=$(printf '%s' "$line" | sed -n 's/^{"id":\\([0-9]*\\),.*/\\1/p')
        thread=$(printf '%s' "$line" | sed -n 's/.*"threadId":"\\([^"]*\\)".*/\\1/p')
        case "$line" in
          *'"method":"initialize"'*) echo "{\\"id\\":$id,\\"result\\":{}}" ;;
          *'"method":"thread/start"'*) echo "{\\"id\\":$id,\\"result\\":{\\"thread\\":{\\"id\\":\\"thr_$id\\"}}}" ;;
          *'"method":"turn/start"'*)
            echo "{\\"id\\":$id,\\"result\\":{\\"turn\\":{\\"id\\":\\"turn_$id\\",\\"status\\":\\"inProgress\\"}}}"
            echo "{\\"id\\":5,\\"method\\":\\"item/commandExecution/requestApproval\\",\\"params\\":{\\"threadId\\":\\"$thread\\",\\"turnId\\":\\"turn_$id\\",\\"itemId\\":\\"cmd_1\\",\\"command\\":\\"touch x\\"}}"
            echo "{\\"id\\":6,\\"method\\":\\"item/tool/requestUserInput\\",\\"params\\":{\\"threadId\\":\\"$thread\\"}}"
            IFS= read -r answer; printf '%s\\n' "$answer" >> "$dir/stdin.log"
            IFS= read -r answer; printf '%s\\n' "$answer" >> "$dir/stdin.log" ;;
        esac
      done
      """;

  @TempDir Path dir;
  private TestSessionContext context;
  private final CodexServer server = new CodexServer();

  @BeforeEach
  void writeTheServer() throws IOException {
    Path program = dir.resolve("codex");
    Files.writeString(program, APP_SERVER);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    context = TestSessionContext.of("s1", program, dir,
        Map.of("CODEX_HOME", Files.createDirectories(dir.resolve("home")).toString()));
  }

  @AfterEach
  void stop() {
    context.close();
  }

  private void awaitStdin(String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!(Files.exists(dir.resolve("stdin.log")) && Files.readString(dir.resolve("stdin.log")).contains(text))) {
      assertThat(System.nanoTime()).as("the server read %s", text).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void anApprovalIsAnsweredOnReplyAndAnUnsupportedRequestIsRefusedAtOnce() throws Exception {
    CodexSession session = CodexSession.open(context, server);
    session.send("Touch x.");
    AgentEvent asked = context.awaitEvent(e -> e.data() instanceof EventData.PermissionRequested, Duration.ofSeconds(20));
    awaitStdin("{\"id\":6,\"error\":{\"code\":-32601,\"message\":\"unsupported request: item/tool/requestUserInput\"}}");
    assertThat(Files.readString(dir.resolve("stdin.log"))).doesNotContain("\"id\":5,");

    EventData.PermissionRequested request = (EventData.PermissionRequested) asked.data();
    PendingPermission pending = new PendingPermission(request.permissionId(), request.action(), request.metadata(), null);
    session.replyPermission(pending, PermissionReply.ONCE);
    awaitStdin("{\"id\":5,\"result\":{\"decision\":\"accept\"}}");

    assertThatThrownBy(() -> session.replyPermission(pending, PermissionReply.ONCE))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED));
    session.close();
  }
}
