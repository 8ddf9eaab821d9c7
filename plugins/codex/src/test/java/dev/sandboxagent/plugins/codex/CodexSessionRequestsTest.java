package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  /** A turn asks for a command approval (request 5) and for user input (request 6), then reads two answers. */
  private static final String TURNS = """
          *'"method":"turn/start"'*)
            echo "{\\"id\\":$id,\\"result\\":{\\"turn\\":{\\"id\\":\\"turn_$id\\",\\"status\\":\\"inProgress\\"}}}"
            echo "{\\"id\\":5,\\"method\\":\\"item/commandExecution/requestApproval\\",\\"params\\":{\\"threadId\\":\\"$thread\\",\\"turnId\\":\\"turn_$id\\",\\"itemId\\":\\"cmd_1\\",\\"command\\":\\"touch x\\"}}"
            echo "{\\"id\\":6,\\"method\\":\\"item/tool/requestUserInput\\",\\"params\\":{\\"threadId\\":\\"$thread\\"}}"
            IFS= read -r answer; printf '%s\\n' "$answer" >> "$dir/stdin.log"
            IFS= read -r answer; printf '%s\\n' "$answer" >> "$dir/stdin.log" ;;
      """;

  @TempDir Path dir;
  private TestSessionContext context;

  @BeforeEach
  void writeTheServer() throws IOException {
    Path program = StandInAppServer.write(dir, TURNS);
    context = TestSessionContext.of("s1", program, dir,
        Map.of("CODEX_HOME", Files.createDirectories(dir.resolve("home")).toString()));
  }

  @AfterEach
  void stop() {
    context.close();
  }


  @Test
  void anApprovalIsAnsweredOnReplyAndAnUnsupportedRequestIsRefusedAtOnce() throws Exception {
    CodexSession session = CodexSession.open(context);
    session.send("Touch x.");
    AgentEvent asked = context.awaitEvent(e -> e.data() instanceof EventData.PermissionRequested, Duration.ofSeconds(20));
    StandInAppServer.awaitStdin(dir, "{\"id\":6,\"error\":{\"code\":-32601,\"message\":\"unsupported request: item/tool/requestUserInput\"}}");
    assertThat(Files.readString(dir.resolve("stdin.log"))).doesNotContain("\"id\":5,");

    EventData.PermissionRequested request = (EventData.PermissionRequested) asked.data();
    PendingPermission pending = new PendingPermission(request.permissionId(), request.action(), request.metadata(), null);
    session.replyPermission(pending, PermissionReply.ONCE);
    StandInAppServer.awaitStdin(dir, "{\"id\":5,\"result\":{\"decision\":\"accept\"}}");

    assertThatThrownBy(() -> session.replyPermission(pending, PermissionReply.ONCE))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.PROCESS_EXITED));
    session.close();
  }

  @Test
  void aFileThatIsNotTextIsRefusedBeforeTheTurnStarts() {
    CodexSession session = CodexSession.open(context);
    Attachment binary = new Attachment(Attachment.Kind.FILE, "data.bin", "application/octet-stream", null,
        new byte[] {0, 1, 2});
    assertThatThrownBy(() -> session.send("Read it.", List.of(binary)))
        .isInstanceOfSatisfying(AgentException.class, e -> {
          assertThat(e.kind()).isEqualTo(AgentException.Kind.UNSUPPORTED);
          assertThat(e.getMessage()).isEqualTo(
              "codex cannot take the attachment data.bin (application/octet-stream): a file must be text");
        });
    session.close();
  }
}
