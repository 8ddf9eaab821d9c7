package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import org.junit.jupiter.api.Test;

class CodexAdapterTest {

  private final CodexAdapter adapter = new CodexAdapter();

  @Test
  void describesTheAgentAsTheSpecSays() {
    AgentDescriptor descriptor = adapter.descriptor();
    assertThat(descriptor.id()).isEqualTo("codex");
    assertThat(descriptor.displayName()).isEqualTo("Codex");
    // The capability table for codex: exactly these flags are true.
    assertThat(descriptor.capabilities()).extracting(Capability::wireName).containsExactlyInAnyOrder(
        "planMode",
        "permissions",
        "toolCalls",
        "toolResults",
        "textMessages",
        "images",
        "fileAttachments",
        "sessionLifecycle",
        "errorEvents",
        "reasoning",
        "status",
        "commandExecution",
        "fileChanges",
        "mcpTools",
        "streamingDeltas",
        "itemStarted",
        "sharedProcess");
    assertThat(descriptor.modes()).containsExactly(
        new AgentMode("build", "Build", "Default build mode"),
        new AgentMode("plan", "Plan", "Planning mode via prompt prefix"));
    assertThat(descriptor.anyAgentMode()).isFalse();
    assertThat(descriptor.permissionModes()).containsExactlyInAnyOrder(
        PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS);
    assertThat(descriptor.binaryName()).isEqualTo("codex");
    assertThat(descriptor.builtin()).isFalse();
    assertThat(descriptor.resumable()).isTrue();
    assertThat(adapter.assistantMessageEndsTurn()).isFalse();
  }

  @Test
  void mapsModesToApprovalPolicyAndSandbox() {
    com.fasterxml.jackson.databind.node.ObjectNode thread = new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode();
    CodexSession.threadPolicy(PermissionMode.PLAN, thread);
    assertThat(thread.toString()).isEqualTo("{\"approvalPolicy\":\"untrusted\",\"sandbox\":\"read-only\"}");
    com.fasterxml.jackson.databind.node.ObjectNode turn = new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode();
    CodexSession.turnPolicy(PermissionMode.BYPASS, turn);
    assertThat(turn.toString())
        .isEqualTo("{\"approvalPolicy\":\"never\",\"sandboxPolicy\":{\"type\":\"dangerFullAccess\"}}");
    com.fasterxml.jackson.databind.node.ObjectNode none = new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode();
    CodexSession.threadPolicy(PermissionMode.DEFAULT, none);
    assertThat(none.isEmpty()).isTrue();
  }

  @Test
  void writesACodexConfigurationThatCanPointAtAnotherProvider() {
    assertThat(CodexServer.config(java.util.Map.of())).isEqualTo(
        "check_for_update_on_startup = false\n\n[analytics]\nenabled = false\n");
    assertThat(CodexServer.config(java.util.Map.of("SANDBOX_AGENT_CODEX_BASE_URL", "http://127.0.0.1:9/v1",
        "SANDBOX_AGENT_CODEX_MODEL", "gpt-fake"))).isEqualTo("""
        model_provider = "sandbox_agent"
        model = "gpt-fake"
        check_for_update_on_startup = false

        [analytics]
        enabled = false

        [model_providers.sandbox_agent]
        name = "sandbox-agent provider"
        base_url = "http://127.0.0.1:9/v1"
        env_key = "OPENAI_API_KEY"
        wire_api = "responses"
        """);
  }

  @Test
  void installsThroughTheHostNotItself() {
    assertThatThrownBy(() -> adapter.install(null))
        .isInstanceOfSatisfying(AgentException.class,
            e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.INSTALL_FAILED));
  }
}
