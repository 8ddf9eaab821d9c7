package dev.sandboxagent.plugins.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaudeAdapterTest {

  private final ClaudeAdapter adapter = new ClaudeAdapter();

  @Test
  void describesTheAgentAsTheSpecSays() {
    AgentDescriptor descriptor = adapter.descriptor();
    assertThat(descriptor.id()).isEqualTo("claude");
    assertThat(descriptor.displayName()).isEqualTo("Claude Code");
    // Real human-in-the-loop through the stdio permission-prompt tool: permissions and questions;
    // images and files as content blocks of the user's message.
    assertThat(descriptor.capabilities()).extracting(Capability::wireName).containsExactlyInAnyOrder(
        "planMode", "permissions", "questions", "toolCalls", "toolResults", "textMessages", "images",
        "fileAttachments", "errorEvents",
        "reasoning", "status", "streamingDeltas", "itemStarted");
    assertThat(descriptor.modes()).containsExactly(
        new AgentMode("build", "Build", "Default build mode"),
        new AgentMode("plan", "Plan", "Plan mode (prompt-only)"));
    assertThat(descriptor.anyAgentMode()).isFalse();
    // Permission modes: no forced bypass, all three are accepted as given
    assertThat(descriptor.permissionModes()).containsExactlyInAnyOrder(
        PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS);
    assertThat(descriptor.binaryName()).isEqualTo("claude");
    assertThat(descriptor.builtin()).isFalse();
    assertThat(descriptor.resumable()).isTrue();
    assertThat(adapter.assistantMessageEndsTurn()).as("turns end with turn.completed").isFalse();
  }

  @Test
  void mapsPermissionAndAgentModesToClaudeFlags() {
    assertThat(ClaudeSession.permissionMode(PermissionMode.DEFAULT, "build")).isEqualTo("default");
    assertThat(ClaudeSession.permissionMode(PermissionMode.PLAN, "build")).isEqualTo("plan");
    assertThat(ClaudeSession.permissionMode(PermissionMode.DEFAULT, "plan")).isEqualTo("plan");
    assertThat(ClaudeSession.permissionMode(PermissionMode.BYPASS, "build")).isEqualTo("bypassPermissions");
  }

  @Test
  void writesTheStdinLinesTheRealProgramAccepts() {
    assertThat(ClaudeSession.initializeLine("init_1"))
        .isEqualTo("{\"type\":\"control_request\",\"request_id\":\"init_1\",\"request\":{\"subtype\":\"initialize\",\"hooks\":null}}");
    assertThat(ClaudeSession.userLine("Say \"hi\""))
        .isEqualTo("{\"type\":\"user\",\"session_id\":\"\",\"parent_tool_use_id\":null,\"message\":{\"role\":\"user\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Say \\\"hi\\\"\"}]}}");
  }

  @Test
  void attachmentsBecomeImageAndDocumentBlocksBeforeTheText() {
    Attachment png = new Attachment(Attachment.Kind.IMAGE, "shots/a.png", "image/png", null, new byte[] {1, 2, 3});
    Attachment text = new Attachment(Attachment.Kind.FILE, "notes.txt", "text/plain", null,
        "a \"note\"".getBytes(StandardCharsets.UTF_8));
    Attachment pdf = new Attachment(Attachment.Kind.FILE, "doc.pdf", "application/pdf", null, new byte[] {'%', 'P'});
    assertThat(ClaudeSession.userLine("Look.", List.of(png, text, pdf)))
        .isEqualTo("{\"type\":\"user\",\"session_id\":\"\",\"parent_tool_use_id\":null,\"message\":{\"role\":\"user\","
            + "\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"AQID\"}},"
            + "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"a \\\"note\\\"\"},"
            + "\"title\":\"notes.txt\"},"
            + "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"JVA=\"},"
            + "\"title\":\"doc.pdf\"},"
            + "{\"type\":\"text\",\"text\":\"Look.\"}]}}");
  }

  @Test
  void aFileThatIsNeitherTextNorAPdfIsRefused() {
    Attachment binary = new Attachment(Attachment.Kind.FILE, "a.bin", "application/octet-stream", null, new byte[] {0});
    assertThatThrownBy(() -> ClaudeSession.userLine("Look.", List.of(binary)))
        .isInstanceOfSatisfying(AgentException.class, e -> {
          assertThat(e.kind()).isEqualTo(AgentException.Kind.UNSUPPORTED);
          assertThat(e.getMessage()).isEqualTo(
              "claude cannot take the attachment a.bin (application/octet-stream): a file must be text or a PDF");
        });
  }

  @Test
  void installsThroughTheHostNotItself() {
    assertThatThrownBy(() -> adapter.install(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.INSTALL_FAILED));
  }
}
