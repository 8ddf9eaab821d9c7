package dev.sandboxagent.api.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UniversalEventJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    try (InputStream in = UniversalEventJsonTest.class.getResourceAsStream("/universal-schema.json")) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    }
  }

  /** One event of every type, with every content part kind, as the host would record them. */
  static List<UniversalEvent> everyEventType() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("agent", "mock");
    meta.put("model", null);
    List<ContentPart> parts =
        List.of(
            new ContentPart.Text("hello"),
            new ContentPart.Json(Map.of("stage", "analysis", "ok", true)),
            new ContentPart.ToolCall("mock.search", "{\"query\":\"example\"}", "c1"),
            new ContentPart.ToolResult("c1", "results"),
            new ContentPart.FileRef("a/readme.md", FileAction.READ, null),
            new ContentPart.FileRef("a/patch.txt", FileAction.PATCH, "@@ -1 +1 @@"),
            new ContentPart.Reasoning("why", ReasoningVisibility.PRIVATE),
            new ContentPart.Image("a/image.png", "image/png"),
            new ContentPart.Status("Indexing", null));
    UniversalItem item =
        new UniversalItem("itm_1", "n1", null, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, ItemStatus.IN_PROGRESS);
    List<EventData> data =
        List.of(
            new EventData.SessionStarted(meta),
            new EventData.SessionEnded(SessionEndReason.TERMINATED, TerminatedBy.DAEMON),
            new EventData.ItemStarted(item),
            new EventData.ItemDelta("itm_1", null, "hel"),
            new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED)),
            new EventData.Error("boom", null, null),
            new EventData.PermissionRequested("p1", "command_execution", Map.of("command", "ls")),
            new EventData.PermissionResolved("p1", "command_execution", PermissionStatus.DENIED, null),
            new EventData.QuestionRequested("q1", "Proceed?", List.of("Yes", "No")),
            new EventData.QuestionResolved("q1", "Proceed?", List.of("Yes", "No"), "Yes", QuestionStatus.ANSWERED),
            new EventData.AgentUnparsed("unsupported payload", "mock.stream"));
    List<UniversalEvent> events = new ArrayList<>();
    long seq = 1;
    for (EventData d : data) {
      boolean synthetic = seq % 2 == 1;
      events.add(
          new UniversalEvent(
              "evt_" + seq, seq, "2026-01-25T10:00:00.5Z", "s", seq == 1 ? null : "mock-s", synthetic,
              synthetic ? EventSource.DAEMON : EventSource.AGENT, d, seq == 11 ? Map.of("raw", "mock") : null));
      seq++;
    }
    return events;
  }

  @Test
  void everyEventTypeValidatesAgainstTheUniversalSchema() {
    for (UniversalEvent event : everyEventType()) {
      JsonNode json = MAPPER.valueToTree(event);
      Set<ValidationMessage> errors = schema.validate(json);
      assertThat(errors).as("schema errors for %s", json).isEmpty();
    }
  }

  @Test
  void envelopeHasEveryKeyAndTheTypeOfItsPayload() throws Exception {
    UniversalEvent started = everyEventType().get(2);
    JsonNode json = MAPPER.valueToTree(started);
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "event_id", "sequence", "time", "session_id", "native_session_id", "synthetic", "source", "type",
            "data", "raw");
    assertThat(json.get("type").asText()).isEqualTo("item.started");
    assertThat(json.get("raw").isNull()).isTrue();
    JsonNode item = json.get("data").get("item");
    assertThat(item.has("parent_id")).isTrue();
    assertThat(item.get("parent_id").isNull()).isTrue();
    JsonNode fileRef = item.get("content").get(4);
    assertThat(MAPPER.writeValueAsString(fileRef))
        .isEqualTo("{\"type\":\"file_ref\",\"path\":\"a/readme.md\",\"action\":\"read\",\"diff\":null}");
    JsonNode completed = MAPPER.valueToTree(everyEventType().get(4));
    assertThat(completed.get("type").asText()).isEqualTo("item.completed");
  }

  @Test
  void nullableKeysArePresentAsNull() {
    List<UniversalEvent> events = everyEventType();
    JsonNode delta = MAPPER.valueToTree(events.get(3)).get("data");
    assertThat(delta.has("native_item_id")).isTrue();
    JsonNode error = MAPPER.valueToTree(events.get(5)).get("data");
    assertThat(error.has("code")).isTrue();
    assertThat(error.has("details")).isTrue();
    JsonNode unparsed = MAPPER.valueToTree(events.get(10));
    assertThat(unparsed.get("data").has("raw_hash")).isTrue();
    assertThat(unparsed.get("raw").get("raw").asText()).isEqualTo("mock");
    JsonNode question = MAPPER.valueToTree(events.get(8)).get("data");
    assertThat(question.get("response").isNull()).isTrue();
    assertThat(question.get("status").asText()).isEqualTo("requested");
  }

  @Test
  void everyEventSurvivesAJacksonRoundTrip() throws Exception {
    for (UniversalEvent event : everyEventType()) {
      String json = MAPPER.writeValueAsString(event);
      UniversalEvent back = MAPPER.readValue(json, UniversalEvent.class);
      assertThat(back.type()).isEqualTo(event.type());
      assertThat(MAPPER.readTree(MAPPER.writeValueAsString(back))).isEqualTo(MAPPER.readTree(json));
      if (!(event.data() instanceof EventData.SessionStarted)
          && !(event.data() instanceof EventData.PermissionRequested)
          && !(event.data() instanceof EventData.ItemStarted)) {
        assertThat(back).isEqualTo(event);
      }
    }
  }

  @Test
  void aRequestOfSeveralQuestionsCarriesThemAllBesideTheFirstOnesPromptAndOptions() throws Exception {
    EventData.QuestionRequested asked = EventData.QuestionRequested.of("q2", List.of(
        new Question("Color", "Which color?", List.of(new Question.Option("Red", "Warm"), new Question.Option("Blue", null)),
            false),
        new Question(null, "Which sizes?", List.of(new Question.Option("S", null)), true)));

    assertThat(MAPPER.writeValueAsString(asked)).isEqualTo("{\"question_id\":\"q2\",\"prompt\":\"Which color?\","
        + "\"options\":[\"Red\",\"Blue\"],\"questions\":[{\"header\":\"Color\",\"prompt\":\"Which color?\","
        + "\"options\":[{\"label\":\"Red\",\"description\":\"Warm\"},{\"label\":\"Blue\"}],\"multi_select\":false},"
        + "{\"prompt\":\"Which sizes?\",\"options\":[{\"label\":\"S\"}],\"multi_select\":true}],"
        + "\"response\":null,\"status\":\"requested\"}");
    UniversalEvent event = new UniversalEvent("evt_1", 1, "2026-01-25T10:00:00Z", "s", null, false, EventSource.AGENT,
        asked, null);
    assertThat(schema.validate(MAPPER.valueToTree(event))).isEmpty();
    assertThat(MAPPER.readValue(MAPPER.writeValueAsString(event), UniversalEvent.class)).isEqualTo(event);

    EventData.QuestionResolved answered = new EventData.QuestionResolved("q2", asked.prompt(), asked.options(), "Red",
        QuestionStatus.ANSWERED, asked.questions(), List.of(List.of("Red"), List.of("S")));
    assertThat(MAPPER.valueToTree(answered).get("answers").toString()).isEqualTo("[[\"Red\"],[\"S\"]]");
    assertThat(new EventData.QuestionResolved("q2", "p", List.of(), null, QuestionStatus.REJECTED, null,
        List.of(List.of("x"))).answers()).isNull();
  }

  @Test
  void aQuestionStoredBeforeQuestionsExistedReadsAsOneQuestion() throws Exception {
    EventData back = MAPPER.readValue("{\"type\":\"question.requested\",\"event_id\":\"evt_1\",\"sequence\":1,"
        + "\"time\":\"t\",\"session_id\":\"s\",\"native_session_id\":null,\"synthetic\":false,\"source\":\"agent\","
        + "\"data\":{\"question_id\":\"q\",\"prompt\":\"Proceed?\",\"options\":[\"Yes\",\"No\"],\"response\":null,"
        + "\"status\":\"requested\"}}", UniversalEvent.class).data();

    assertThat(((EventData.QuestionRequested) back).questions()).containsExactly(Question.of("Proceed?", List.of("Yes", "No")));
    EventData.QuestionResolved resolved = new EventData.QuestionResolved("q", "Proceed?", List.of("Yes"), "Yes",
        QuestionStatus.ANSWERED);
    assertThat(resolved.answers()).containsExactly(List.of("Yes"));
  }

  @Test
  void constructorsRejectInvalidValues() {
    assertThatThrownBy(() -> new EventData.PermissionResolved("p", "a", PermissionStatus.REQUESTED, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new UniversalEvent("evt_0", 0, "t", "s", null, true, EventSource.DAEMON,
                new EventData.AgentUnparsed("e", "l"), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new UniversalEvent("evt_1", 1, "t", "s", null, true, EventSource.AGENT,
                new EventData.AgentUnparsed("e", "l"), null))
        .hasMessageContaining("daemon exactly when synthetic");
    assertThatThrownBy(() -> new ContentPart.Text(null)).hasMessage("text is null");
  }
}
