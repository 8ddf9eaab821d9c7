package dev.sandboxagent.plugins.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.testkit.TranslatorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The recorded {@code opencode serve} event streams: checked-in translations and the invariants. */
class OpenCodeGoldenTest {

  private static final Path NATIVE = Path.of("src/test/resources/native");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final TranslatorHarness HARNESS = TranslatorHarness.of(() -> new OpenCodeTranslator(""));

  static List<String> fixtures() {
    return TranslatorHarness.nativeFiles(NATIVE);
  }

  static boolean terminal(AgentEvent event) {
    return TranslatorHarness.errorOrStatus("session.idle").test(event);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void translatesAsRecorded(String name) {
    HARNESS.assertGolden(NATIVE.resolve(name), GOLDEN.resolve(name.replace(".jsonl", ".events.jsonl")));
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void keepsTheInvariants(String name) throws IOException {
    byte[] input = Files.readAllBytes(NATIVE.resolve(name));
    HARNESS.assertResplitInvariant(input);
    HARNESS.assertGarbageInvariant(input);
    HARNESS.assertCutInvariant(input, OpenCodeGoldenTest::terminal);
    List<AgentEvent> events = HARNESS.translate(input);
    assertThat(events).last().matches(OpenCodeGoldenTest::terminal);
    assertThat(events).noneMatch(e -> e.type() == EventType.AGENT_UNPARSED);
  }

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
