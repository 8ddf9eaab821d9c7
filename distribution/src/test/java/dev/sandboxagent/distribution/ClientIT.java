package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.PermissionStatus;
import dev.sandboxagent.api.event.QuestionStatus;
import dev.sandboxagent.api.event.UniversalEvent;
import dev.sandboxagent.client.AgentInfo;
import dev.sandboxagent.client.DaemonUnreachableException;
import dev.sandboxagent.client.EventPage;
import dev.sandboxagent.client.EventStream;
import dev.sandboxagent.client.InstallReport;
import dev.sandboxagent.client.PermissionReply;
import dev.sandboxagent.client.RescanReport;
import dev.sandboxagent.client.SandboxAgent;
import dev.sandboxagent.client.SandboxAgentClient;
import dev.sandboxagent.client.SandboxAgentException;
import dev.sandboxagent.client.SessionCreated;
import dev.sandboxagent.client.SessionInfo;
import dev.sandboxagent.client.SessionOptions;
import dev.sandboxagent.client.TurnHandler;
import dev.sandboxagent.client.TurnResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Java client against the shipped daemon: every route, its errors, resumed streams, turns and the embedded mode. */
@Timeout(120)
class ClientIT {

  private static final String TOKEN = "client-it-token";
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir static Path work;
  static Launcher daemon;
  static SandboxAgentClient client;

  @BeforeAll
  static void start() throws Exception {
    daemon = Launcher.start(work, TOKEN);
    client = SandboxAgent.builder(URI.create(daemon.base)).token(TOKEN).requestTimeout(Duration.ofSeconds(30)).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    daemon.close();
  }

  /** A new mock session whose id needs escaping in a URL path. */
  private static String session() {
    String id = "client it #" + IDS.incrementAndGet() + " é?";
    SessionCreated created = client.createSession(id, SessionOptions.of("mock").withPermissionMode("default"));
    assertThat(created.healthy()).isTrue();
    assertThat(created.nativeSessionId()).isEqualTo("mock-" + id);
    return id;
  }

  private static UniversalEvent awaitEvent(String session, Predicate<UniversalEvent> match) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      for (UniversalEvent e : client.allEvents(session)) {
        if (match.test(e)) {
          return e;
        }
      }
      Thread.sleep(25);
    }
    throw new AssertionError("no matching event in " + client.allEvents(session));
  }

  private static Predicate<UniversalEvent> ofType(EventType type) {
    return e -> e.type() == type;
  }

  @Test
  void readsHealthAgentsModesAndPlugins() {
    assertThat(client.health().status()).isEqualTo("ok");
    List<AgentInfo> agents = client.agents().agents();
    assertThat(agents).extracting(AgentInfo::id).containsExactly("claude", "codex", "opencode", "amp", "mock",
        "gemini", "qwen", "copilot", "claude-acp", "codex-acp", "opencode-acp");
    AgentInfo mock = agents.get(4);
    assertThat(mock.installed()).isTrue();
    assertThat(mock.version()).isEqualTo("builtin");
    assertThat(mock.capabilities().questions()).isTrue();
    assertThat(mock.capabilities().sharedProcess()).isFalse();
    assertThat(agents.get(1).serverStatus().status()).isEqualTo("stopped");
    assertThat(client.agents().pluginErrors()).isEmpty();
    assertThat(client.agentModes("mock")).extracting(m -> m.id() + ":" + m.name()).containsExactly("build:Build", "plan:Plan");

    assertThat(client.plugins().plugins()).anySatisfy(p -> {
      assertThat(p.agents()).containsExactly("mock");
      assertThat(p.state()).isEqualTo("loaded");
    });
    RescanReport rescan = client.rescanPlugins();
    assertThat(rescan.plugins()).hasSize(client.plugins().plugins().size());
    assertThat(rescan.rescan().added()).isEmpty();
    assertThat(rescan.rescan().removed()).isEmpty();
  }

  @Test
  void installsAnAgentWithAndWithoutItsReport() {
    client.installAgent("mock", false);
    InstallReport again = client.installAgentWithReport("mock", false);
    assertThat(again.agent()).isEqualTo("mock");
    assertThat(again.downloaded()).isFalse();
    InstallReport forced = client.installAgentWithReport("mock", true);
    assertThat(forced.downloaded()).isTrue();
    assertThat(forced.path()).isEqualTo(work.resolve("install/mock").toString());
  }

  @Test
  void createsListsMessagesAndPagesEvents() throws Exception {
    String id = session();
    assertThat(client.sessions()).extracting(SessionInfo::sessionId).contains(id);
    SessionInfo info = client.sessions().stream().filter(s -> s.sessionId().equals(id)).findFirst().orElseThrow();
    assertThat(info.agent()).isEqualTo("mock");
    assertThat(info.ended()).isFalse();

    client.sendMessage(id, "echo paged");
    awaitEvent(id, e -> e.data() instanceof EventData.ItemCompleted c && c.item().content().toString().contains("paged"));
    List<UniversalEvent> all = client.allEvents(id);
    List<UniversalEvent> paged = new ArrayList<>();
    long offset = 0;
    EventPage page;
    do {
      page = client.events(id, offset, 2);
      assertThat(page.events().size()).isLessThanOrEqualTo(2);
      paged.addAll(page.events());
      offset = page.lastSequence(offset);
    } while (page.hasMore());
    assertThat(paged).isEqualTo(all);
    assertThat(paged).extracting(UniversalEvent::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, all.size()).boxed().toList());

    // The agent's own payloads only when asked for, paged and live (the mock's unparsed step has one).
    client.sendMessage(id, "unparsed");
    awaitEvent(id, e -> e.data() instanceof EventData.AgentUnparsed);
    assertThat(client.allEvents(id)).extracting(UniversalEvent::raw).containsOnlyNulls();
    List<UniversalEvent> raw = client.events(id, 0, 1000, true).events();
    assertThat(raw).anySatisfy(e -> assertThat(e.raw()).isNotNull());
    UniversalEvent withRaw = raw.stream().filter(e -> e.raw() != null).findFirst().orElseThrow();
    try (EventStream live = client.subscribe(id, withRaw.sequence() - 1, true)) {
      assertThat(live.next().raw()).isEqualTo(withRaw.raw());
    }

    client.deleteSession(id);
    assertThat(client.sessions()).extracting(SessionInfo::sessionId).doesNotContain(id);
    assertThatThrownBy(() -> client.deleteSession(id)).isInstanceOfSatisfying(SandboxAgentException.class,
        e -> assertThat(e.errorType()).hasValue("session_not_found"));
  }

  @Test
  void streamsOneTurnAndRunsOne() {
    String id = session();
    List<UniversalEvent> turn;
    try (EventStream stream = client.streamTurn(id, "echo streamed")) {
      turn = stream.stream().toList();
    }
    assertThat(turn.getFirst().data()).isInstanceOf(EventData.ItemStarted.class);
    assertThat(turn.getLast().data()).isInstanceOf(EventData.ItemCompleted.class);
    assertThat(turn.getLast().data().toString()).contains("streamed");

    TurnResult result = client.runTurn(id, "echo run as a turn");
    assertThat(result.text()).isEqualTo("run as a turn");
    assertThat(result.sessionEnded()).isFalse();
    assertThat(result.events().getFirst().sequence()).isGreaterThan(turn.getLast().sequence());
  }

  @Test
  void refusalsCarryStatusTypeAndProblem() throws Exception {
    assertThatThrownBy(() -> client.events("no such session", 0, 10))
        .isInstanceOfSatisfying(SandboxAgentException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.errorType()).contains("session_not_found");
          assertThat(e.problem().orElseThrow().type()).isEqualTo("urn:sandbox-agent:error:session_not_found");
          assertThat(e.problem().orElseThrow().status()).isEqualTo(404);
        });
    String id = session();
    assertThatThrownBy(() -> client.createSession(id, SessionOptions.of("mock")))
        .isInstanceOfSatisfying(SandboxAgentException.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.errorType()).contains("session_already_exists");
        });
    assertThatThrownBy(() -> client.subscribe("missing", 0))
        .isInstanceOfSatisfying(SandboxAgentException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.streamTurn("missing", "hi"))
        .isInstanceOfSatisfying(SandboxAgentException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> client.installAgent("nope", false))
        .isInstanceOfSatisfying(SandboxAgentException.class, e -> assertThat(e.status()).isEqualTo(400));

    try (SandboxAgentClient wrong = SandboxAgent.connect(URI.create(daemon.base), "wrong")) {
      assertThat(wrong.health().status()).isEqualTo("ok");
      assertThatThrownBy(wrong::sessions).isInstanceOfSatisfying(SandboxAgentException.class, e -> {
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorType()).contains("token_invalid");
      });
    }
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
    try (SandboxAgentClient absent = SandboxAgent.connect(nowhere, TOKEN)) {
      assertThatThrownBy(absent::health).isInstanceOfSatisfying(DaemonUnreachableException.class, e -> {
        assertThat(e.getMessage()).startsWith("the sandbox-agent daemon is not reachable at " + nowhere);
        assertThat(e.endpoint()).isEqualTo(nowhere);
        assertThat(e.status()).isZero();
      });
      assertThatThrownBy(() -> absent.subscribe("s", 0)).isInstanceOf(DaemonUnreachableException.class);
    }
  }

  @Test
  void answersQuestionsAndPermissionsAndTerminates() throws Exception {
    String id = session();
    client.sendMessage(id, "question");
    UniversalEvent second = awaitEvent(id, e -> e.data() instanceof EventData.QuestionRequested q
        && q.questionId().endsWith("question_reject"));
    String first = ((EventData.QuestionRequested) client.allEvents(id).stream()
        .filter(ofType(EventType.QUESTION_REQUESTED)).findFirst().orElseThrow().data()).questionId();
    client.replyQuestion(id, first, List.of(List.of("Red")));
    client.rejectQuestion(id, ((EventData.QuestionRequested) second.data()).questionId());
    UniversalEvent answered = awaitEvent(id, e -> e.data() instanceof EventData.QuestionResolved r
        && r.questionId().equals(first));
    assertThat(((EventData.QuestionResolved) answered.data()).status()).isEqualTo(QuestionStatus.ANSWERED);
    awaitEvent(id, e -> e.data() instanceof EventData.QuestionResolved r && r.status() == QuestionStatus.REJECTED);

    client.sendMessage(id, "permission");
    UniversalEvent asked = awaitEvent(id, ofType(EventType.PERMISSION_REQUESTED));
    String permission = ((EventData.PermissionRequested) asked.data()).permissionId();
    client.replyPermission(id, permission, PermissionReply.ALWAYS);
    UniversalEvent resolved = awaitEvent(id, ofType(EventType.PERMISSION_RESOLVED));
    assertThat(((EventData.PermissionResolved) resolved.data()).status()).isEqualTo(PermissionStatus.APPROVED);

    client.terminate(id);
    UniversalEvent ended = awaitEvent(id, ofType(EventType.SESSION_ENDED));
    assertThat(client.allEvents(id).getLast()).isEqualTo(ended);
    assertThatThrownBy(() -> client.replyPermission(id, "mock_9_nothing", PermissionReply.ONCE))
        .isInstanceOf(SandboxAgentException.class);
  }

  @Test
  void runTurnAnswersPermissionsThroughItsHandlerAndEndsWhenTheSessionIsTerminated() throws Exception {
    String id = session();
    List<String> asked = new CopyOnWriteArrayList<>();
    TurnHandler policy = new TurnHandler() {
      @Override
      public PermissionReply onPermission(EventData.PermissionRequested request) {
        asked.add(request.action());
        return request.action().equals("command_execution") ? PermissionReply.ONCE : PermissionReply.REJECT;
      }
    };
    // The mock's turn stops at its requests; once both are resolved, terminating the session cancels the turn.
    Thread canceller = Thread.ofVirtual().start(() -> {
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (client.allEvents(id).stream().filter(ofType(EventType.PERMISSION_RESOLVED)).count() < 2
            && System.nanoTime() < deadline) {
          Thread.sleep(25);
        }
        client.terminate(id);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    TurnResult result = client.runTurn(id, "permission", policy);
    canceller.join();
    assertThat(asked).containsExactly("command_execution", "file_change");
    assertThat(result.sessionEnded()).isTrue();
    assertThat(result.last().type()).isEqualTo(EventType.SESSION_ENDED);
    assertThat(result.events()).filteredOn(ofType(EventType.PERMISSION_RESOLVED))
        .extracting(e -> ((EventData.PermissionResolved) e.data()).status())
        .containsExactly(PermissionStatus.APPROVED, PermissionStatus.DENIED);
    assertThat(result.events()).extracting(UniversalEvent::sequence).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void liveStreamResumesAfterEveryDroppedConnectionWithNothingLostOrRepeated() throws Exception {
    String id = session();
    try (TcpProxy proxy = new TcpProxy(daemon.base, 3000);
        SandboxAgentClient viaProxy = SandboxAgent.connect(URI.create(proxy.base()), TOKEN)) {
      List<UniversalEvent> seen = new ArrayList<>();
      try (EventStream live = viaProxy.subscribe(id, 0)) {
        client.sendMessage(id, "demo");
        while (live.hasNext()) {
          UniversalEvent event = live.next();
          seen.add(event);
          if (event.type() == EventType.AGENT_UNPARSED) {
            break;
          }
        }
      }
      assertThat(seen.getLast().type()).isEqualTo(EventType.AGENT_UNPARSED);
      assertThat(proxy.cuts.get()).as("connections cut").isGreaterThanOrEqualTo(3);
      List<UniversalEvent> log = client.allEvents(id);
      assertThat(seen).isEqualTo(log.subList(0, seen.size()));
      assertThat(seen).extracting(UniversalEvent::sequence)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, seen.size()).boxed().toList());
    }
  }

  @Test
  void liveStreamStaysOpenAfterTheSessionEndsUntilClosed() throws Exception {
    String id = session();
    client.runTurn(id, "echo before the end");
    client.terminate(id);
    EventStream live = client.subscribe(id, 0);
    List<UniversalEvent> seen = new CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> live.forEachRemaining(seen::add));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (seen.stream().noneMatch(ofType(EventType.SESSION_ENDED)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(seen).isEqualTo(client.allEvents(id));
    assertThat(reader.isAlive()).as("still reading after session.ended").isTrue();
    live.close();
    reader.join(Duration.ofSeconds(10));
    assertThat(reader.isAlive()).isFalse();
  }

  @Test
  void closingTheClientEndsItsOpenStreams() throws Exception {
    String id = session();
    SandboxAgentClient other = SandboxAgent.connect(URI.create(daemon.base), TOKEN);
    EventStream live = other.subscribe(id, 0);
    List<UniversalEvent> seen = new CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> live.forEachRemaining(seen::add));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (seen.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(seen).extracting(UniversalEvent::type).containsExactly(EventType.SESSION_STARTED);
    other.close();
    reader.join(Duration.ofSeconds(10));
    assertThat(reader.isAlive()).as("reader still blocked after close").isFalse();
    assertThat(live.hasNext()).isFalse();
  }

  @Test
  void embeddedDaemonRunsTheShippedLauncherAndLeavesNoProcessWhenClosed(@TempDir Path tmp) throws Exception {
    List<ProcessHandle> started;
    long pid;
    // A stand-in Codex whose turn runs `sleep 271`: an agent process with a child of its own.
    Path fake = Files.createDirectories(tmp.resolve("fake-codex"));
    for (String name : List.of("codex", "tool.jsonl", "approval.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-codex", name), fake.resolve(name));
    }
    Files.setPosixFilePermissions(fake.resolve("codex"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    long command;
    try (SandboxAgentClient embedded = SandboxAgent.embedded(Dist.dir()).workDirectory(tmp)
        .argument("--install-dir").argument(tmp.resolve("install").toString())
        .argument("--agent-bin").argument("codex=" + fake.resolve("codex"))
        .environment("XDG_DATA_HOME", tmp.resolve("data").toString()).start()) {
      assertThat(embedded.endpoint().getHost()).isEqualTo("127.0.0.1");
      assertThat(embedded.health().status()).isEqualTo("ok");
      embedded.createSession("embedded", SessionOptions.of("mock"));
      assertThat(embedded.runTurn("embedded", "echo embedded").text()).isEqualTo("embedded");

      ProcessHandle daemonProcess = ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().orElse("").contains("--install-dir " + tmp.resolve("install")))
          .findFirst().orElseThrow();
      pid = daemonProcess.pid();
      String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
      assertThat(cmdline).doesNotContain("--token");
      String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
      assertThat(environ).contains("\0SANDBOX_TOKEN=");
      embedded.createSession("with-agent", SessionOptions.of("codex"));
      embedded.sendMessage("with-agent", "Run sleep 271.");
      Path pidFile = fake.resolve("command.pid");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
        Thread.sleep(25);
      }
      command = Long.parseLong(Files.readString(pidFile).strip());
      assertThat(ProcessHandle.of(command).map(ProcessHandle::isAlive)).contains(true);
      started = new ArrayList<>(daemonProcess.descendants().toList());
      assertThat(started).extracting(ProcessHandle::pid).contains(command);
      started.add(daemonProcess);
      // Without the token the daemon refuses: the client really authenticates.
      try (SandboxAgentClient anonymous = SandboxAgent.connect(embedded.endpoint())) {
        assertThatThrownBy(anonymous::sessions)
            .isInstanceOfSatisfying(SandboxAgentException.class, e -> assertThat(e.status()).isEqualTo(401));
      }
    }
    assertThat(started).noneMatch(ProcessHandle::isAlive);
    assertThat(ProcessHandle.of(command).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.exists(Path.of("/proc/" + pid))).isFalse();
    assertThat(ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains(tmp.toString()))).isEmpty();
  }

  @Test
  void theExampleApplicationRunsAsWrittenAgainstTheShippedDaemon(@TempDir Path tmp) throws Exception {
    Path jar = Path.of(System.getProperty("example.java-client"));
    String javaCommand = ProcessHandle.current().info().command().orElseThrow();
    Path out = tmp.resolve("out.txt");
    // A relative installation directory, as a user types it: resolved against the caller's directory.
    Path installation = tmp.relativize(Dist.dir().toAbsolutePath());
    ProcessBuilder pb = new ProcessBuilder(javaCommand, "-jar", jar.toString(), installation.toString())
        .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("XDG_DATA_HOME", tmp.resolve("data").toString());
    pb.environment().remove("SANDBOX_TOKEN");
    Process example = pb.start();
    assertThat(example.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(out)).isEqualTo("""
        assistant: Hello from Java
        permission command_execution: once
        permission file_change: reject
        assistant: Done.
        """);
    assertThat(example.exitValue()).isZero();
  }

  @Test
  void embeddedModeRejectsADirectoryWithoutTheLauncher(@TempDir Path tmp) {
    assertThatThrownBy(() -> SandboxAgent.start(tmp))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no sandbox-agent launcher at ");
  }
}
