package dev.sandboxagent.plugins.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.FileAction;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.testkit.TestSessionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session against the scripted ACP agent, a real process: the conversation's set-up, turns, a
 * permission, a crash and the restart that loads the conversation again, and a refused protocol.
 */
@Timeout(60)
class AcpSessionTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path work;
  private TestSessionContext context;
  private AcpSession session;

  private AcpSession open(Map<String, String> env) {
    context = TestSessionContext.of("s1", AcpTestEntries.FAKE_AGENT, work, withLog(env));
    session = AcpSession.open(context, AcpTestEntries.fake());
    return session;
  }

  private Map<String, String> withLog(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("FAKE_ACP_LOG", work.resolve("calls.jsonl").toString());
    return all;
  }

  @AfterEach
  void close() {
    if (session != null) {
      session.close();
    }
    if (context != null) {
      context.close();
    }
  }

  private List<JsonNode> calls() throws IOException {
    return Files.readAllLines(work.resolve("calls.jsonl")).stream().map(l -> {
      try {
        return JSON.readTree(l);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  private static List<String> methods(List<JsonNode> calls) {
    return calls.stream().map(c -> c.path("method").asText("(answer)")).toList();
  }

  private AgentEvent await(Predicate<AgentEvent> match) throws InterruptedException {
    return context.awaitEvent(match, WAIT);
  }

  private static Predicate<AgentEvent> turnCompleted(int nth) {
    int[] seen = {0};
    return e -> e.data() instanceof EventData.ItemCompleted c && c.item().content().stream()
        .anyMatch(p -> p instanceof ContentPart.Status s && s.label().equals("turn.completed")) && ++seen[0] == nth;
  }

  @Test
  void attachmentsBecomeImageAndResourceBlocksWhenTheAgentOffersThem() throws Exception {
    open(Map.of("FAKE_ACP_PROMPT", "{\"image\":true,\"embeddedContext\":true}"));
    Path notes = Files.writeString(work.resolve("notes.txt"), "hi");
    Attachment image = new Attachment(Attachment.Kind.IMAGE, "a.png", "image/png", null, new byte[] {1, 2, 3});
    Attachment text = new Attachment(Attachment.Kind.FILE, "notes.txt", "text/plain", notes, "hi".getBytes());
    Attachment binary = new Attachment(Attachment.Kind.FILE, "b.bin", "application/octet-stream", null, new byte[] {0});
    session.send("say text", List.of(image, text, binary));
    await(turnCompleted(1));

    assertThat(calls().get(2).path("params").path("prompt").toString()).isEqualTo("["
        + "{\"type\":\"text\",\"text\":\"say text\"},"
        + "{\"type\":\"image\",\"mimeType\":\"image/png\",\"data\":\"AQID\"},"
        + "{\"type\":\"resource\",\"resource\":{\"uri\":\"" + notes.toUri() + "\",\"mimeType\":\"text/plain\",\"text\":\"hi\"}},"
        + "{\"type\":\"resource\",\"resource\":{\"uri\":\"b.bin\",\"mimeType\":\"application/octet-stream\","
        + "\"blob\":\"AA==\"}}]");
    EventData.ItemCompleted user = context.recorded().stream().map(AgentEvent::data)
        .filter(EventData.ItemCompleted.class::isInstance).map(EventData.ItemCompleted.class::cast)
        .filter(c -> c.item().role() == ItemRole.USER).findFirst().orElseThrow();
    assertThat(user.item().content()).containsExactly(new ContentPart.Text("say text"),
        new ContentPart.Image("a.png", "image/png"), new ContentPart.FileRef("notes.txt", FileAction.READ, null),
        new ContentPart.FileRef("b.bin", FileAction.READ, null));
  }

  @Test
  void withoutPromptCapabilitiesAFileIsALinkAndWhatCannotBeSentIsRefusedBeforeThePrompt() throws Exception {
    open(Map.of());
    Path notes = Files.writeString(work.resolve("notes.txt"), "hi");
    Attachment image = new Attachment(Attachment.Kind.IMAGE, "a.png", "image/png", null, new byte[] {1, 2, 3});
    Attachment inline = new Attachment(Attachment.Kind.FILE, "n.txt", "text/plain", null, "hi".getBytes());
    assertThatThrownBy(() -> session.send("say text", List.of(image)))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.UNSUPPORTED))
        .hasMessageContaining("does not offer image input");
    assertThatThrownBy(() -> session.send("say text", List.of(inline)))
        .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.kind()).isEqualTo(AgentException.Kind.UNSUPPORTED))
        .hasMessageContaining("takes files only as links to files");
    assertThat(context.recorded()).noneMatch(e -> e.data() instanceof EventData.ItemCompleted);

    Attachment file = new Attachment(Attachment.Kind.FILE, "notes.txt", "text/plain", notes, "hi".getBytes());
    session.send("say text", List.of(file));
    await(turnCompleted(1));
    List<JsonNode> calls = calls();
    assertThat(methods(calls)).containsExactly("initialize", "session/new", "session/prompt");
    assertThat(calls.get(2).path("params").path("prompt").get(1).toString()).isEqualTo(
        "{\"type\":\"resource_link\",\"uri\":\"" + notes.toUri() + "\",\"name\":\"notes.txt\","
            + "\"mimeType\":\"text/plain\",\"size\":2}");
  }

  @Test
  void setsUpTheConversationWithoutClientToolsAndRunsATurn() throws Exception {
    open(Map.of());
    assertThat(session.nativeSessionId()).startsWith("fake-");
    session.send("say text");
    await(turnCompleted(1));

    List<JsonNode> calls = calls();
    assertThat(methods(calls)).containsExactly("initialize", "session/new", "session/prompt");
    JsonNode init = calls.get(0).path("params");
    assertThat(init.path("protocolVersion").asInt()).isEqualTo(1);
    assertThat(init.path("clientCapabilities").toString())
        .isEqualTo("{\"fs\":{\"readTextFile\":false,\"writeTextFile\":false},\"terminal\":false}");
    assertThat(calls.get(1).path("params").path("cwd").asText()).isEqualTo(work.toAbsolutePath().toString());
    assertThat(calls.get(1).path("params").path("mcpServers").isArray()).isTrue();
    assertThat(calls.get(2).path("params").path("prompt").get(0).path("text").asText()).isEqualTo("say text");

    String text = context.recorded().toString();
    assertThat(text).contains("Hello ").contains("from ACP.").contains("Thinking about it.");
    assertThat(context.recorded()).allMatch(e -> session.nativeSessionId().equals(e.nativeSessionId()));
  }

  @Test
  void permissionRepliesPickTheOfferedOptionAndASecondTurnFollows() throws Exception {
    open(Map.of());
    session.send("ask permission");
    AgentEvent asked = await(e -> e.type() == EventType.PERMISSION_REQUESTED);
    EventData.PermissionRequested request = (EventData.PermissionRequested) asked.data();
    assertThat(request.action()).isEqualTo("Edit notes.txt");
    session.replyPermission(new PendingPermission(request.permissionId(), request.action(), request.metadata(), null),
        PermissionReply.ALWAYS);
    await(turnCompleted(1));
    assertThat(context.recorded().toString()).contains("approved always");
    assertThatThrownBy(() -> session.replyPermission(
        new PendingPermission(request.permissionId(), request.action(), request.metadata(), null), PermissionReply.ONCE))
        .isInstanceOf(AgentException.class).hasMessageContaining("no longer awaits");

    session.send("ask permission again");
    AgentEvent second = await(e -> e.type() == EventType.PERMISSION_REQUESTED && e != asked);
    EventData.PermissionRequested again = (EventData.PermissionRequested) second.data();
    session.replyPermission(new PendingPermission(again.permissionId(), again.action(), again.metadata(), null),
        PermissionReply.REJECT);
    await(turnCompleted(2));
    assertThat(context.recorded().toString()).contains("denied");
    List<JsonNode> answers = calls().stream().filter(c -> !c.has("method")).toList();
    assertThat(answers).extracting(a -> a.path("result").path("outcome").toString()).containsExactly(
        "{\"outcome\":\"selected\",\"optionId\":\"always\"}", "{\"outcome\":\"selected\",\"optionId\":\"no\"}");
  }

  @Test
  void closingAnswersAPendingPermissionCancelledCancelsAndStopsTheAgent() throws Exception {
    open(Map.of());
    session.send("ask permission");
    await(e -> e.type() == EventType.PERMISSION_REQUESTED);
    session.close();
    context.awaitExits(1, WAIT);
    assertThat(context.processes()).noneMatch(p -> p.isAlive());
    List<JsonNode> calls = calls();
    assertThat(calls.stream().filter(c -> !c.has("method")).findFirst().orElseThrow().path("result").toString())
        .isEqualTo("{\"outcome\":{\"outcome\":\"cancelled\"}}");
    assertThat(methods(calls)).contains("session/cancel");
  }

  @Test
  void aCrashIsAnErrorWithTheStderrTailAndTheNextMessageLoadsTheConversation() throws Exception {
    open(Map.of());
    String nativeId = session.nativeSessionId();
    session.send("crash now");
    AgentEvent error = await(e -> e.type() == EventType.ERROR);
    EventData.Error data = (EventData.Error) error.data();
    assertThat(data.code()).isEqualTo("process_exit");
    assertThat(data.message()).contains("status 3").contains("fatal: simulated crash");
    context.awaitExits(1, WAIT);

    session.send("say text");
    await(turnCompleted(1));
    List<JsonNode> calls = calls();
    assertThat(methods(calls)).containsExactly("initialize", "session/new", "session/prompt",
        "initialize", "session/load", "session/prompt");
    assertThat(calls.get(4).path("params").path("sessionId").asText()).isEqualTo(nativeId);
    assertThat(session.nativeSessionId()).isEqualTo(nativeId);
    assertThat(context.recorded().toString()).as("what the load replays is not recorded again")
        .doesNotContain("an earlier answer");
  }

  /** The host stops a silent agent; a message right after must reach a new process, not the one on its way out. */
  @Test
  void afterASilentTurnIsInterruptedTheNextMessageGoesToANewProcessThatLoadsTheConversation() throws Exception {
    open(Map.of());
    String nativeId = session.nativeSessionId();
    session.send("hang");
    session.interruptTurn();
    session.send("say text");
    // the interrupted turn ends too (cancelled), then the new one
    await(turnCompleted(2));
    List<String> methods = methods(calls());
    assertThat(methods).containsSubsequence("initialize", "session/new", "session/prompt", "initialize",
        "session/load", "session/prompt");
    assertThat(session.nativeSessionId()).isEqualTo(nativeId);
  }

  @Test
  void anAgentThatCannotLoadStartsANewConversationAfterACrash() throws Exception {
    open(Map.of("FAKE_ACP_NO_LOAD", "1"));
    session.send("crash now");
    await(e -> e.type() == EventType.ERROR);
    context.awaitExits(1, WAIT);
    session.send("hello");
    await(turnCompleted(1));
    assertThat(methods(calls())).containsExactly("initialize", "session/new", "session/prompt",
        "initialize", "session/new", "session/prompt");
  }

  @Test
  void aJsonRpcErrorAnswerIsAnErrorEvent() throws Exception {
    open(Map.of());
    session.send("error please");
    EventData.Error error = (EventData.Error) await(e -> e.type() == EventType.ERROR).data();
    assertThat(error.message()).isEqualTo("model overloaded");
    assertThat(error.code()).isEqualTo("agent_error");
  }

  @Test
  void anUnsupportedProtocolVersionIsRefusedClearlyAndTheAgentStopped() throws Exception {
    assertThatThrownBy(() -> open(Map.of("FAKE_ACP_PROTOCOL", "7")))
        .isInstanceOf(AgentException.class)
        .hasMessage("Fake ACP speaks ACP protocol version 7; the daemon speaks version 1");
    context.awaitExits(1, WAIT);
    assertThat(context.processes()).noneMatch(p -> p.isAlive());
  }

  @Test
  void aMissingProgramSaysHowToInstallIt() {
    context = TestSessionContext.of("s1", null, work, Map.of());
    assertThatThrownBy(() -> AcpSession.open(context, AcpTestEntries.adapter("gemini").entry()))
        .isInstanceOf(AgentException.class)
        .hasMessage("Gemini CLI is not installed: install it with `sandbox-agent install-agent gemini` (it needs npm) "
            + "or put `gemini` on PATH")
        .extracting(e -> ((AgentException) e).kind()).isEqualTo(AgentException.Kind.NOT_INSTALLED);
  }

  @Test
  void theSessionsModeIsSelectedWhenTheAgentOffersIt() throws Exception {
    context = TestSessionContext.of("s1", AcpTestEntries.FAKE_AGENT, work, withLog(Map.of()));
    session = AcpSession.open(context, AcpTestEntries.entry("""
        {"id": "fake-acp", "install": {"path": "fake-acp"},
         "modes": [{"id": "build", "name": "Build", "acpMode": "plan"}]}
        """));
    List<JsonNode> calls = calls();
    assertThat(methods(calls)).containsExactly("initialize", "session/new", "session/set_mode");
    assertThat(calls.get(2).path("params").path("modeId").asText()).isEqualTo("plan");
    assertThat(calls.get(2).path("params").path("sessionId").asText()).isEqualTo(session.nativeSessionId());
  }

  @Test
  void aModeTheAgentDoesNotOfferIsNotAskedFor() throws Exception {
    context = TestSessionContext.of("s1", AcpTestEntries.FAKE_AGENT, work, withLog(Map.of()));
    session = AcpSession.open(context, AcpTestEntries.entry("""
        {"id": "fake-acp", "install": {"path": "fake-acp"},
         "modes": [{"id": "build", "name": "Build", "acpMode": "turbo"}]}
        """));
    assertThat(methods(calls())).containsExactly("initialize", "session/new");
  }
}
