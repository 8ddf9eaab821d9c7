package dev.sandboxagent.plugins.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.FileAction;
import dev.sandboxagent.api.event.Question;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TranslatorHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The translation of {@code opencode serve} events beyond the golden files. */
class OpenCodeTranslatorTest {

  private static final Path NATIVE = Path.of("src/test/resources/native");
  private static final TranslatorHarness HARNESS = TranslatorHarness.of(() -> new OpenCodeTranslator(""));

  @Test
  void permissionsCarryOpenCodesRequest() throws IOException {
    List<AgentEvent> events = HARNESS.translate(NATIVE.resolve("opencode-serve-permission.jsonl"));
    EventData.PermissionRequested request = events.stream().map(AgentEvent::data)
        .filter(EventData.PermissionRequested.class::isInstance).map(EventData.PermissionRequested.class::cast)
        .findFirst().orElseThrow();
    assertThat(request.permissionId()).isEqualTo("per_205831815001FvKcx56S2d58C0");
    assertThat(request.action()).isEqualTo("bash");
    assertThat(request.metadata().toString()).contains("\"patterns\":[\"touch created-by-agent.txt\"]");
  }

  @Test
  void theUsersOwnPromptIsAUserItem() throws IOException {
    List<AgentEvent> events = HARNESS.translate(NATIVE.resolve("opencode-serve-tool.jsonl"));
    assertThat(events).filteredOn(e -> e.data() instanceof EventData.ItemCompleted c
            && c.item().role() == dev.sandboxagent.api.event.ItemRole.USER)
        .extracting(e -> ((EventData.ItemCompleted) e.data()).item().content().get(0))
        .containsExactly(new ContentPart.Text("Say hello."),
            new ContentPart.Text("Run the shell command echo hi and tell me what it printed."));
  }

  @Test
  void filePartsSentForAttachmentsAreShownByName() {
    OpenCodeTranslator translator = new OpenCodeTranslator("");
    translator.showFilesAs(Map.of("data:image/png;base64,AQID", new ContentPart.Image("a.png", "image/png")));
    translator.translate("{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"m1\",\"role\":\"user\","
        + "\"sessionID\":\"s\"}}}");
    List<AgentEvent> shown = translator.translate("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{"
        + "\"id\":\"p1\",\"messageID\":\"m1\",\"sessionID\":\"s\",\"type\":\"file\",\"mime\":\"image/png\","
        + "\"url\":\"data:image/png;base64,AQID\",\"filename\":\"a.png\"}}}");
    List<AgentEvent> other = translator.translate("{\"type\":\"message.part.updated\",\"properties\":{\"part\":{"
        + "\"id\":\"p2\",\"messageID\":\"m1\",\"sessionID\":\"s\",\"type\":\"file\",\"mime\":\"text/plain\","
        + "\"url\":\"file:///w/b.txt\",\"filename\":\"b.txt\"}}}");
    assertThat(((EventData.ItemCompleted) shown.get(1).data()).item().content())
        .containsExactly(new ContentPart.Image("a.png", "image/png"));
    assertThat(((EventData.ItemCompleted) other.get(1).data()).item().content())
        .containsExactly(new ContentPart.FileRef("file:///w/b.txt", FileAction.READ, null));
  }

  @Test
  void everyQuestionOfAQuestionRequestIsCarried() {
    OpenCodeTranslator translator = new OpenCodeTranslator("");
    List<AgentEvent> events = translator.translate("{\"type\":\"question.asked\",\"properties\":{\"id\":\"que_1\","
        + "\"sessionID\":\"ses_1\",\"questions\":[{\"question\":\"Which color?\",\"header\":\"Color\",\"options\":["
        + "{\"label\":\"Red\",\"description\":\"Warm\"},{\"label\":\"Blue\",\"description\":\"Cool\"}]},"
        + "{\"question\":\"Which sizes?\",\"header\":\"Sizes\",\"options\":[{\"label\":\"S\",\"description\":\"Small\"}],"
        + "\"multiple\":true}]}}");

    assertThat(events).singleElement().satisfies(e -> assertThat(e.data()).isEqualTo(
        EventData.QuestionRequested.of("que_1", List.of(
            new Question("Color", "Which color?", List.of(new Question.Option("Red", "Warm"),
                new Question.Option("Blue", "Cool")), false),
            new Question("Sizes", "Which sizes?", List.of(new Question.Option("S", "Small")), true)))));
  }

  @Test
  void partsOfAnUnknownMessageAndSessionErrors() {
    OpenCodeTranslator translator = new OpenCodeTranslator("");
    List<AgentEvent> error = translator.translate("{\"type\":\"session.error\",\"properties\":{\"sessionID\":\"s\","
        + "\"error\":{\"name\":\"ProviderAuthError\",\"data\":{\"message\":\"invalid api key\"}}}}");
    assertThat(error).singleElement().satisfies(e ->
        assertThat(((EventData.Error) e.data()).message()).isEqualTo("invalid api key"));
    assertThat(translator.translate("{\"type\":\"brand.new\",\"properties\":{}}")).singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(EventType.AGENT_UNPARSED));
  }
}
