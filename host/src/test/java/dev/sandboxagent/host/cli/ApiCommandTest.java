package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.host.CorsConfig;
import dev.sandboxagent.host.Daemon;
import dev.sandboxagent.host.HostConfig;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sandbox-agent api …} against a real daemon on an ephemeral loopback port. */
@Timeout(60)
class ApiCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "t0k3n-for-tests";

  @TempDir Path tmp;
  private Daemon daemon;
  private String endpoint;
  private final TurnAgent agent = new TurnAgent();
  private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeEach
  void start() {
    HostConfig config = new HostConfig("127.0.0.1", 0, TOKEN, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp);
    daemon = Daemon.start(config, AdapterRegistry.of(List.of(agent)));
    endpoint = "http://127.0.0.1:" + daemon.port();
  }

  @AfterEach
  void stop() {
    agent.release.countDown();
    background.shutdownNow();
    daemon.close();
  }

  /** Output of one run; {@code out} and {@code err} can be read while the command still runs. */
  static final class Run {
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    int exit = -1;

    String out() {
      return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
      return errBytes.toString(StandardCharsets.UTF_8);
    }

    JsonNode json() throws Exception {
      return JSON.readTree(out());
    }
  }

  /** {@code api <args> --endpoint <daemon>} with the right token. */
  private Run api(String... args) {
    return apiWith(TOKEN, false, args);
  }

  private Run apiWith(String token, boolean noToken, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--endpoint", endpoint));
    return raw(all, token, noToken);
  }

  private static Run raw(List<String> args, String token, boolean noToken) {
    Run run = new Run();
    run.exit = ApiCommand.run(args, token, noToken, run.out, run.err);
    return run;
  }

  private Future<Run> apiInBackground(Run run, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("-e", endpoint));
    return background.submit(() -> {
      run.exit = ApiCommand.run(all, TOKEN, false, run.out, run.err);
      return run;
    });
  }

  private JsonNode events(String session) throws Exception {
    Run run = api("sessions", "events", session);
    assertThat(run.exit).as(run.err()).isZero();
    return run.json().get("events");
  }

  private JsonNode awaitEvent(String session, Predicate<JsonNode> match) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (JsonNode event : events(session)) {
        if (match.test(event)) {
          return event;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching event in " + events(session));
  }

  private static Predicate<JsonNode> type(String type) {
    return e -> e.get("type").asText().equals(type);
  }

  private static void awaitOutput(Run run, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!run.out().contains(text)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' in output: " + run.out() + " / " + run.err());
      }
      Thread.sleep(10);
    }
  }

  @Test
  void printsAgentsAndModesAsPrettyJson() throws Exception {
    Run agents = api("agents", "list");
    assertThat(agents.exit).as(agents.err()).isZero();
    assertThat(agents.out()).startsWith("{\n  \"agents\": [\n    {\n      \"id\": \"test\",\n").endsWith("\n}\n");
    assertThat(agents.err()).isEmpty();

    Run modes = api("agents", "modes", "test");
    assertThat(modes.exit).isZero();
    assertThat(modes.out()).isEqualTo("""
        {
          "modes": [
            {
              "id": "build",
              "name": "Build",
              "description": "Test build"
            },
            {
              "id": "plan",
              "name": "Plan",
              "description": "Test plan"
            }
          ]
        }
        """);
  }

  @Test
  void createsListsMessagesPollsAndTerminatesASession() throws Exception {
    Run create = api("sessions", "create", "s1", "-a", "test", "-g", "plan", "--permission-mode=bypass",
        "--model", "model-x", "-v", "fast");
    assertThat(create.exit).as(create.err()).isZero();
    assertThat(create.out()).isEqualTo("{\n  \"healthy\": true,\n  \"nativeSessionId\": \"test-s1\"\n}\n");

    JsonNode listed = api("sessions", "list").json().get("sessions").get(0);
    assertThat(listed.get("sessionId").asText()).isEqualTo("s1");
    assertThat(listed.get("agentMode").asText()).isEqualTo("plan");
    assertThat(listed.get("permissionMode").asText()).isEqualTo("bypass");
    assertThat(listed.get("model").asText()).isEqualTo("model-x");
    assertThat(listed.get("variant").asText()).isEqualTo("fast");

    Run send = api("sessions", "send-message", "s1", "-m", "reply hello there");
    assertThat(send.exit).as(send.err()).isZero();
    assertThat(send.out()).isEmpty();
    awaitEvent("s1", type("item.completed"));

    Run firstTwo = api("sessions", "events", "s1", "-o", "0", "-l", "2");
    assertThat(firstTwo.exit).isZero();
    assertThat(firstTwo.json().get("events")).hasSize(2);
    assertThat(firstTwo.json().get("hasMore").asBoolean()).isTrue();
    assertThat(firstTwo.out()).contains("\n  \"hasMore\": true\n}\n");
    assertThat(api("sessions", "get-messages", "s1", "--offset=0", "--limit=2").out()).isEqualTo(firstTwo.out());

    JsonNode afterOne = api("sessions", "events", "s1", "--offset", "1", "--include-raw").json().get("events");
    assertThat(afterOne.get(0).get("sequence").asInt()).isEqualTo(2);
    JsonNode completed = afterOne.get(afterOne.size() - 1);
    assertThat(completed.get("raw").get("native").asText()).isEqualTo("hello there");

    Run terminate = api("sessions", "terminate", "s1");
    assertThat(terminate.exit).as(terminate.err()).isZero();
    assertThat(terminate.out()).isEmpty();
    assertThat(api("sessions", "list").json().get("sessions").get(0).get("ended").asBoolean()).isTrue();
  }

  @Test
  void sendMessageStreamPrintsFramesAsTheyArriveAndEndsWithTheTurn() throws Exception {
    assertThat(api("sessions", "create", "s1", "--agent", "test").exit).isZero();
    Run stream = new Run();
    Future<Run> done = apiInBackground(stream, "sessions", "send-message-stream", "s1", "-m", "hold");

    awaitOutput(stream, "event: item.started");
    Thread.sleep(200);
    assertThat(done).as("the turn is still open, yet its first frames are on stdout").isNotDone();
    assertThat(stream.out()).doesNotContain("event: item.completed");

    agent.release.countDown();
    assertThat(done.get(10, TimeUnit.SECONDS).exit).as(stream.err()).isZero();
    String out = stream.out();
    assertThat(out).contains("event: item.completed").contains("\"text\":\"held\"");
    // the SSE text is unmodified: every frame is id, event and data lines followed by a blank line
    List<String> frames = Arrays.stream(out.split("\n\n")).filter(f -> !f.startsWith(":")).toList();
    assertThat(frames).isNotEmpty().allSatisfy(frame ->
        assertThat(frame).matches("id: \\d+\nevent: [a-z.]+\ndata: \\{.*\\}"));
    assertThat(out).endsWith("\n\n");
    assertThat(out).contains("\"raw\":null");
  }

  @Test
  void sendMessageStreamIncludeRawKeepsTheNativePayload() throws Exception {
    api("sessions", "create", "s1", "-a", "test");
    Run stream = api("sessions", "send-message-stream", "s1", "--include-raw", "--message=reply raw please");
    assertThat(stream.exit).as(stream.err()).isZero();
    assertThat(stream.out()).contains("\"raw\":{\"native\":\"raw please\"}");
  }

  @Test
  void eventsSseReplaysFollowsLiveEventsAndEndsWhenTheSessionEnds() throws Exception {
    api("sessions", "create", "s1", "-a", "test");
    api("sessions", "send-message", "s1", "-m", "reply one");
    awaitEvent("s1", type("item.completed"));

    Run live = new Run();
    Future<Run> done = apiInBackground(live, "sessions", "events-sse", "s1", "-o", "1");
    awaitOutput(live, "event: item.completed");
    Thread.sleep(300);
    assertThat(done).as("the stream stays open while the session runs").isNotDone();
    assertThat(live.out()).startsWith("id: 2\n").doesNotContain("event: session.started");

    assertThat(api("sessions", "terminate", "s1").exit).isZero();
    assertThat(done.get(10, TimeUnit.SECONDS).exit).as(live.err()).isZero();
    assertThat(live.out()).contains("event: session.ended").endsWith("\n\n");

    Run replay = api("sessions", "events-sse", "s1");
    assertThat(replay.exit).as(replay.err()).isZero();
    assertThat(replay.out()).startsWith("id: 1\nevent: session.started\ndata: {").contains("event: session.ended");
  }

  @Test
  void answersQuestionsAndPermissions() throws Exception {
    api("sessions", "create", "s1", "-a", "test");
    api("sessions", "send-message", "s1", "-m", "ask");
    api("sessions", "send-message", "s1", "-m", "ask");
    awaitEvent("s1", e -> e.get("type").asText().equals("question.requested")
        && e.get("data").get("question_id").asText().equals("q2"));

    Run reply = api("sessions", "reply-question", "s1", "q1", "-a", "[[\"Yes\"]]");
    assertThat(reply.exit).as(reply.err()).isZero();
    assertThat(reply.out()).isEmpty();
    Run reject = api("sessions", "reject-question", "s1", "q2");
    assertThat(reject.exit).as(reject.err()).isZero();
    Run permission = api("sessions", "reply-permission", "s1", "p1", "--reply", "ALWAYS");
    assertThat(permission.exit).as(permission.err()).isZero();
    assertThat(api("sessions", "reply-permission", "s1", "p2", "-r", "reject").exit).isZero();

    JsonNode answered = awaitEvent("s1", e -> type("question.resolved").test(e)
        && e.get("data").get("question_id").asText().equals("q1")).get("data");
    assertThat(answered.get("status").asText()).isEqualTo("answered");
    assertThat(answered.get("response").asText()).isEqualTo("Yes");
    assertThat(awaitEvent("s1", e -> type("question.resolved").test(e)
        && e.get("data").get("question_id").asText().equals("q2")).get("data").get("status").asText())
        .isEqualTo("rejected");
    assertThat(awaitEvent("s1", e -> type("permission.resolved").test(e)
        && e.get("data").get("permission_id").asText().equals("p1")).get("data").get("status").asText())
        .isEqualTo("approved");
    assertThat(awaitEvent("s1", e -> type("permission.resolved").test(e)
        && e.get("data").get("permission_id").asText().equals("p2")).get("data").get("status").asText())
        .isEqualTo("denied");
  }

  @Test
  void anInvalidReplyIsAnArgumentErrorAndSendsNothing() throws Exception {
    api("sessions", "create", "s1", "-a", "test");
    api("sessions", "send-message", "s1", "-m", "ask");
    awaitEvent("s1", type("permission.requested"));

    Run bad = api("sessions", "reply-permission", "s1", "p1", "-r", "maybe");
    assertThat(bad.exit).isEqualTo(2);
    assertThat(bad.out()).isEmpty();
    assertThat(bad.err()).startsWith("error: invalid value 'maybe' for '--reply <REPLY>' [possible values: once, "
        + "always, reject]\n").contains("Usage: sandbox-agent api sessions reply-permission");
    assertThat(events("s1").toString()).doesNotContain("permission.resolved");
    assertThat(api("sessions", "reply-permission", "s1", "p1", "-r", "Once").exit).as("still pending").isZero();
  }

  @Test
  void answersThatAreNotAnArrayOfStringArraysFailLocally() throws Exception {
    api("sessions", "create", "s1", "-a", "test");
    api("sessions", "send-message", "s1", "-m", "ask");
    awaitEvent("s1", type("question.requested"));

    for (String answers : List.of("\"yes\"", "yes", "{}", "[\"Yes\"]", "[[1]]", "[[\"Yes\"], \"No\"]", "[[]] x", "")) {
      Run bad = api("sessions", "reply-question", "s1", "q1", "--answers", answers);
      assertThat(bad.exit).as(answers).isEqualTo(1);
      assertThat(bad.out()).isEmpty();
      assertThat(bad.err()).as(answers).startsWith("error=\"invalid --answers: ").doesNotContain("Usage:");
    }
    assertThat(events("s1").toString()).doesNotContain("question.resolved");
    assertThat(api("sessions", "reply-question", "s1", "q1", "--answers", "[[\"No\"], []]").exit)
        .as("the question is still pending").isZero();
  }

  @Test
  void aNon2xxAnswerPrintsItsBodyOnStderr() throws Exception {
    Run missing = api("sessions", "events", "nope");
    assertThat(missing.exit).isEqualTo(1);
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err()).isEqualTo("""
        {
          "type": "urn:sandbox-agent:error:session_not_found",
          "title": "Session Not Found",
          "status": 404,
          "detail": "session not found: nope",
          "sessionId": "nope"
        }
        error="unexpected http status: 404 Not Found"
        """);

    Run duplicate = api("sessions", "create", "s1", "-a", "test");
    assertThat(duplicate.exit).isZero();
    Run again = api("sessions", "create", "s1", "-a", "test");
    assertThat(again.exit).isEqualTo(1);
    assertThat(again.err()).contains("\"type\": \"urn:sandbox-agent:error:session_already_exists\"")
        .endsWith("error=\"unexpected http status: 409 Conflict\"\n");
  }

  @Test
  void theTokenIsSentUnlessNoTokenIsGiven() {
    Run wrong = apiWith("not-the-token", false, "agents", "list");
    assertThat(wrong.exit).isEqualTo(1);
    assertThat(wrong.out()).isEmpty();
    assertThat(wrong.err()).contains("\"type\": \"urn:sandbox-agent:error:token_invalid\"")
        .endsWith("error=\"unexpected http status: 401 Unauthorized\"\n");

    Run none = apiWith(TOKEN, true, "agents", "list");
    assertThat(none.exit).as("--no-token wins over --token").isEqualTo(1);
    assertThat(none.err()).contains("401 Unauthorized");

    assertThat(apiWith(TOKEN, false, "agents", "list").exit).isZero();
  }

  @Test
  void aRefusedConnectionIsARuntimeError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Run refused = raw(List.of("agents", "list", "-e", "http://127.0.0.1:" + port), null, false);
    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err()).startsWith("error=\"request to http://127.0.0.1:" + port + "/v1/agents failed: ");

    Run stream = raw(List.of("sessions", "events-sse", "s1", "-e", "http://127.0.0.1:" + port), null, false);
    assertThat(stream.exit).isEqualTo(1);
    assertThat(stream.err()).startsWith("error=\"request to http://127.0.0.1:" + port + "/v1/sessions/s1/events/sse");

    Run badUrl = raw(List.of("agents", "list", "-e", "localhost:2468"), null, false);
    assertThat(badUrl.exit).isEqualTo(1);
    assertThat(badUrl.err()).startsWith("error=\"invalid endpoint URL localhost:2468");
  }

  @Test
  void commandLineMistakesExitWith2AndShowTheUsage() {
    record Case(List<String> args, String message) {}
    List<Case> cases = List.of(
        new Case(List.of(), "'sandbox-agent api' requires a subcommand"),
        new Case(List.of("models"), "unrecognized subcommand 'models'"),
        new Case(List.of("sessions"), "'sandbox-agent api sessions' requires a subcommand"),
        new Case(List.of("sessions", "explode"), "unrecognized subcommand 'explode'"),
        new Case(List.of("agents", "list", "--bogus"), "unexpected argument '--bogus' found"),
        new Case(List.of("agents", "list", "-x"), "unexpected argument '-x' found"),
        new Case(List.of("agents", "list", "extra"), "unexpected argument 'extra' found"),
        new Case(List.of("sessions", "create", "s2"),
            "the following required arguments were not provided: --agent <AGENT>"),
        new Case(List.of("sessions", "create", "-a", "test"),
            "the following required arguments were not provided: <SESSION_ID>"),
        new Case(List.of("sessions", "send-message", "s1", "-m"),
            "a value is required for '--message <MESSAGE>' but none was supplied"),
        new Case(List.of("sessions", "events", "s1", "-o", "abc"), "invalid value 'abc' for '--offset <OFFSET>'"),
        new Case(List.of("sessions", "events", "s1", "--limit=-1"), "invalid value '-1' for '--limit <LIMIT>'"),
        new Case(List.of("sessions", "terminate", "s1", "--include-raw"), "unexpected argument '--include-raw' found"),
        new Case(List.of("agents", "install", "mock", "--reinstall=yes"), "unexpected value 'yes' for '--reinstall'"));
    for (Case c : cases) {
      Run run = raw(c.args(), TOKEN, false);
      assertThat(run.exit).as(c.args().toString()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).as(c.args().toString()).startsWith("error: " + c.message()).contains("Usage: sandbox-agent api");
    }
  }

  @Test
  void helpIsAvailableAtEveryLevel() {
    Run top = raw(List.of("--help"), null, false);
    assertThat(top.exit).isZero();
    assertThat(top.out()).contains("Usage: sandbox-agent api <COMMAND>").contains("agents").contains("sessions");
    assertThat(top.err()).isEmpty();

    Run group = raw(List.of("sessions", "-h"), null, false);
    assertThat(group.exit).isZero();
    assertThat(group.out()).contains("Usage: sandbox-agent api sessions <COMMAND>")
        .contains("send-message-stream").contains("reply-permission").contains("get-messages");

    Run leaf = raw(List.of("sessions", "create", "-h"), null, false);
    assertThat(leaf.exit).as("help wins over the missing --agent and id").isZero();
    assertThat(leaf.out()).contains("Usage: sandbox-agent api sessions create [OPTIONS] --agent <AGENT> <SESSION_ID>")
        .contains("-g, --agent-mode <AGENT_MODE>").contains("-A, --agent-version <AGENT_VERSION>")
        .contains("-e, --endpoint <ENDPOINT>").contains("http://127.0.0.1:2468");
    assertThat(raw(List.of("agents", "install", "--help"), null, false).out()).contains("-r, --reinstall");
    assertThat(raw(List.of("sessions", "events-sse", "s1", "--help"), null, false).out())
        .contains("--include-raw").contains("-o, --offset <OFFSET>").doesNotContain("--limit");
  }

  @Test
  void theEndpointMayEndInSlashesAndIdsGoIntoThePathVerbatim() throws Exception {
    Run create = raw(List.of("sessions", "create", "a%20b", "-a", "test", "--endpoint=" + endpoint + "//"), TOKEN, false);
    assertThat(create.exit).as(create.err()).isZero();
    assertThat(create.json().get("nativeSessionId").asText()).as("an existing escape is not encoded again")
        .isEqualTo("test-a b");
    assertThat(api("sessions", "create", "café au lait", "-a", "test").exit).isZero();
    List<String> ids = new ArrayList<>();
    api("sessions", "list").json().get("sessions").forEach(s -> ids.add(s.get("sessionId").asText()));
    assertThat(ids).containsExactlyInAnyOrder("a b", "café au lait");
  }

  @Test
  void installPostsTheReinstallFlag() {
    Run install = api("agents", "install", "test");
    assertThat(install.exit).as(install.err()).isZero();
    assertThat(install.out()).isEmpty();
    assertThat(agent.installs).containsExactly(false);

    assertThat(api("agents", "install", "test", "--reinstall").exit).isZero();
    assertThat(agent.installs).containsExactly(false, true);

    Run unknown = api("agents", "install", "nobody", "-r");
    assertThat(unknown.exit).isEqualTo(1);
    assertThat(unknown.err()).contains("\"type\": \"urn:sandbox-agent:error:unsupported_agent\"")
        .endsWith("error=\"unexpected http status: 400 Bad Request\"\n");
  }

  /**
   * An in-process agent driven by the message: {@code reply X} answers X (raw payload {@code
   * {"native": X}}); {@code hold} starts an answer and completes it once {@link #release} is
   * counted down; {@code ask} requests question {@code q<k>} and permission {@code p<k>}. Installs
   * record their {@code reinstall} flag and succeed.
   */
  static final class TurnAgent implements AgentAdapter {
    final CountDownLatch release = new CountDownLatch(1);
    final List<Boolean> installs = new CopyOnWriteArrayList<>();

    @Override
    public void install(InstallContext context) {
      installs.add(context.reinstall());
    }

    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("test")
          .capabilities(Capability.TEXT_MESSAGES, Capability.ITEM_STARTED, Capability.QUESTIONS, Capability.PERMISSIONS)
          .mode("build", "Build", "Test build").mode("plan", "Plan", "Test plan")
          .permissionModes(PermissionMode.DEFAULT, PermissionMode.BYPASS)
          .binaryName("sandbox-agent-cli-test-agent")
          .builtin(true)
          .build();
    }

    @Override
    public AgentSession open(SessionContext ctx) {
      return new AgentSession() {
        private int turn;

        @Override
        public String nativeSessionId() {
          return "test-" + ctx.sessionId();
        }

        @Override
        public void send(String message) {
          int k = ++turn;
          String[] words = message.split(" ", 2);
          String rest = words.length > 1 ? words[1] : "";
          switch (words[0]) {
            case "reply" -> ctx.runInBackground("reply", () -> ctx.events().emit(List.of(
                AgentEvent.of(new EventData.ItemCompleted(item("r" + k, rest, ItemStatus.COMPLETED)))
                    .withRaw(Map.of("native", rest)))));
            case "hold" -> ctx.runInBackground("hold", () -> {
              ctx.events().emit(AgentEvent.of(new EventData.ItemStarted(item("h" + k, "", ItemStatus.IN_PROGRESS))));
              try {
                release.await();
              } catch (InterruptedException e) {
                return;
              }
              ctx.events().emit(AgentEvent.of(new EventData.ItemCompleted(item("h" + k, "held", ItemStatus.COMPLETED))));
            });
            case "ask" -> ctx.events().emit(List.of(
                AgentEvent.of(new EventData.QuestionRequested("q" + k, "Proceed?", List.of("Yes", "No"))),
                AgentEvent.of(new EventData.PermissionRequested("p" + k, "command_execution",
                    Map.of("command", "ls")))));
            default -> throw new AgentException(AgentException.Kind.UNSUPPORTED, "unknown command: " + words[0]);
          }
        }

        @Override
        public void close() {}
      };
    }

    private static UniversalItem item(String nativeId, String text, ItemStatus status) {
      return UniversalItem.of(nativeId, ItemKind.MESSAGE, ItemRole.ASSISTANT,
          text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text)), status);
    }
  }
}
