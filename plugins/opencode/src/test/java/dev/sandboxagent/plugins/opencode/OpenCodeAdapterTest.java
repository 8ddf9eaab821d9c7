package dev.sandboxagent.plugins.opencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenCodeAdapterTest {

  private final OpenCodeAdapter adapter = new OpenCodeAdapter();

  @Test
  void describesTheAgentAsTheSpecSays() {
    AgentDescriptor descriptor = adapter.descriptor();
    assertThat(descriptor.id()).isEqualTo("opencode");
    assertThat(descriptor.displayName()).isEqualTo("OpenCode");
    // The capability table for opencode: exactly these flags are true.
    assertThat(descriptor.capabilities()).extracting(Capability::wireName).containsExactlyInAnyOrder(
        "toolCalls",
        "toolResults",
        "textMessages",
        "images",
        "fileAttachments",
        "sessionLifecycle",
        "errorEvents",
        "status",
        "streamingDeltas",
        "itemStarted",
        "sharedProcess");
    assertThat(descriptor.modes()).containsExactly(
        new AgentMode("build", "Build", "Default build mode"),
        new AgentMode("plan", "Plan", "Planning mode"),
        new AgentMode("custom", "Custom", "Any user-defined OpenCode agent name"));
    assertThat(descriptor.anyAgentMode()).isTrue();
    assertThat(descriptor.permissionModes()).containsExactlyInAnyOrder(PermissionMode.DEFAULT);
    assertThat(descriptor.binaryName()).isEqualTo("opencode");
    assertThat(descriptor.builtin()).isFalse();
    assertThat(descriptor.resumable()).isTrue();
    assertThat(adapter.assistantMessageEndsTurn()).isTrue();
  }

  @Test
  void buildsThePromptBody() {
    assertThat(OpenCodeSession.promptBody("hi", "plan", "fake/fake-model", null).toString())
        .isEqualTo("{\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}],\"agent\":\"plan\","
            + "\"model\":{\"providerID\":\"fake\",\"modelID\":\"fake-model\"}}");
    assertThat(OpenCodeSession.promptBody("hi", "build", "gpt-5", "high").toString())
        .isEqualTo("{\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}],\"agent\":\"build\","
            + "\"model\":{\"modelID\":\"gpt-5\"},\"variant\":\"high\"}");
  }

  @Test
  void attachmentsBecomeFileParts() {
    Path notes = Path.of("/work/notes.txt");
    Attachment file = new Attachment(Attachment.Kind.FILE, "notes.txt", "text/plain", notes, new byte[] {'a'});
    Attachment image = new Attachment(Attachment.Kind.IMAGE, "a.png", "image/png", Path.of("/work/a.png"),
        new byte[] {1, 2, 3});
    Attachment inline = new Attachment(Attachment.Kind.FILE, "attachment.txt", "text/plain", null, new byte[] {'b'});
    assertThat(OpenCodeSession.promptBody("hi", List.of(file, image, inline), null, null, null).toString())
        .isEqualTo("{\"parts\":[{\"type\":\"text\",\"text\":\"hi\"},"
            + "{\"type\":\"file\",\"mime\":\"text/plain\",\"url\":\"" + notes.toUri() + "\",\"filename\":\"notes.txt\"},"
            + "{\"type\":\"file\",\"mime\":\"image/png\",\"url\":\"data:image/png;base64,AQID\",\"filename\":\"a.png\"},"
            + "{\"type\":\"file\",\"mime\":\"text/plain\",\"url\":\"data:text/plain;base64,Yg==\","
            + "\"filename\":\"attachment.txt\"}]}");
  }

  @Test
  void findsTheSessionOfEveryEventShape() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(OpenCodeServer.sessionOf(json.readTree("{\"sessionID\":\"ses_1\"}"))).isEqualTo("ses_1");
    assertThat(OpenCodeServer.sessionOf(json.readTree("{\"part\":{\"sessionID\":\"ses_2\"}}"))).isEqualTo("ses_2");
    assertThat(OpenCodeServer.sessionOf(json.readTree("{\"info\":{\"sessionID\":\"ses_3\",\"id\":\"msg\"}}")))
        .isEqualTo("ses_3");
    assertThat(OpenCodeServer.sessionOf(json.readTree("{\"id\":\"core/agent\"}"))).isNull();
  }

  @Test
  void installsThroughTheHostNotItself() {
    assertThatThrownBy(() -> adapter.install(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.INSTALL_FAILED));
  }
}
