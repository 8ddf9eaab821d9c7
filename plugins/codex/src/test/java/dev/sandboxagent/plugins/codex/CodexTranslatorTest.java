package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TranslatorHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The translation of {@code codex app-server} messages beyond the golden files. */
class CodexTranslatorTest {

  private static final Path NATIVE = Path.of("src/test/resources/native");
  private static final TranslatorHarness HARNESS = TranslatorHarness.of(() -> new CodexTranslator(""));

  @Test
  void approvalsBecomePermissionRequestsKeyedByTheRpcId() throws IOException {
    List<AgentEvent> events = HARNESS.translate(NATIVE.resolve("codex-app-server-approval.jsonl"));
    EventData.PermissionRequested request = events.stream().map(AgentEvent::data)
        .filter(EventData.PermissionRequested.class::isInstance).map(EventData.PermissionRequested.class::cast)
        .findFirst().orElseThrow();
    assertThat(request.permissionId()).isEqualTo("0");
    assertThat(request.action()).isEqualTo("commandExecution");
    assertThat(request.metadata().toString()).contains("\"codexRequestId\":0")
        .contains("\"command\":\"/bin/bash -lc 'touch created-by-agent.txt'\"");
  }

  @Test
  void errorNotificationsReachTheSession() {
    CodexTranslator translator = new CodexTranslator("");
    List<AgentEvent> events = translator.translate("{\"method\":\"error\",\"params\":{\"threadId\":\"t1\",\"turnId\":\"u1\","
        + "\"error\":{\"message\":\"stream disconnected before completion\"},\"willRetry\":true}}");
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(((EventData.Error) e.data()).message()).isEqualTo("stream disconnected before completion");
      assertThat(((EventData.Error) e.data()).code()).isEqualTo("retrying");
      assertThat(e.nativeSessionId()).isEqualTo("t1");
    });
    assertThat(translator.translate("{\"method\":\"brand/new\",\"params\":{}}")).singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.AGENT_UNPARSED));
  }
}
