package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.FileAction;
import dev.sandboxagent.testkit.TranslatorHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The translation of {@code codex app-server} messages beyond the golden files. */
class CodexTranslatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
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

  @Test
  void inputItemsSentForAttachmentsAreShownByNameUntilTheirUserItemCompletes() {
    CodexTranslator translator = new CodexTranslator("");
    String item = "{\"id\":\"u1\",\"type\":\"userMessage\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"Look.\",\"text_elements\":[]},"
        + "{\"type\":\"localImage\",\"path\":\"/w/shots/a.png\"},"
        + "{\"type\":\"image\",\"url\":\"data:image/gif;base64,R0lGODlh\"},"
        + "{\"type\":\"text\",\"text\":\"Attached file notes.txt:\\n\\nhi\",\"text_elements\":[]}]}";
    translator.showInputsAs(Map.of(
        CodexTranslator.inputKey(JSON.createObjectNode().put("type", "localImage").put("path", "/w/shots/a.png")),
        new ContentPart.Image("shots/a.png", "image/png"),
        CodexTranslator.inputKey(JSON.createObjectNode().put("type", "image").put("url", "data:image/gif;base64,R0lGODlh")),
        new ContentPart.Image("inline.gif", "image/gif"),
        CodexTranslator.inputKey(JSON.createObjectNode().put("type", "text").put("text", "Attached file notes.txt:\n\nhi")),
        new ContentPart.FileRef("notes.txt", FileAction.READ, null)));

    List<AgentEvent> started = translator.translate("{\"method\":\"item/started\",\"params\":{\"item\":" + item + "}}");
    List<AgentEvent> completed = translator.translate("{\"method\":\"item/completed\",\"params\":{\"item\":" + item + "}}");
    List<ContentPart> shown = List.of(new ContentPart.Text("Look."), new ContentPart.Image("shots/a.png", "image/png"),
        new ContentPart.Image("inline.gif", "image/gif"), new ContentPart.FileRef("notes.txt", FileAction.READ, null));
    assertThat(((EventData.ItemStarted) started.get(0).data()).item().content()).isEqualTo(shown);
    assertThat(((EventData.ItemCompleted) completed.get(0).data()).item().content()).isEqualTo(shown);

    // Once shown, they are forgotten: the same input in a later item is shown as Codex sends it.
    List<AgentEvent> again = translator.translate("{\"method\":\"item/completed\",\"params\":{\"item\":"
        + item.replace("\"u1\"", "\"u2\"") + "}}");
    assertThat(((EventData.ItemCompleted) again.get(0).data()).item().content())
        .contains(new ContentPart.Image("/w/shots/a.png", null), new ContentPart.Image("data:image/gif;base64,R0lGODlh", null));
  }
}
