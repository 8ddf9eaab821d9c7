package dev.sandboxagent.plugins.opencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
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
