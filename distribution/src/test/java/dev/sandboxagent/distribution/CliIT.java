package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped launcher's commands run as processes. {@link #everyCommand} is the table: each command
 * with {@code --help} (0), a good run (0), a usage error (2) and a failure (1).
 */
@Timeout(180)
class CliIT {

  @TempDir Path work;
  /** The data directory of the daemons the commands may start: the test's, never the user's. */
  @TempDir static Path data;
  @TempDir static Path shared;

  /** One daemon for the table's api commands, with a session waiting on questions and one on permissions. */
  static Launcher daemon;
  static final Map<String, String> IDS = new HashMap<>();

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void startDaemon() throws Exception {
    daemon = Launcher.start(Files.createDirectories(shared.resolve("daemon")), "cli-token");
    for (String[] session : new String[][] {{"questions", "question"}, {"permissions", "permission"}}) {
      assertThat(daemon.post("/v1/sessions/" + session[0], "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
      daemon.post("/v1/sessions/" + session[0] + "/messages", "{\"message\":\"" + session[0] + "\"}");
      JsonNode events = daemon.awaitEvents(session[0], 6);
      int n = 0;
      for (JsonNode e : events) {
        if (e.get("type").asText().equals(session[1] + ".requested")) {
          IDS.put("@" + session[1] + (++n), e.get("data").get(session[1] + "_id").asText());
        }
      }
    }
    assertThat(IDS).containsKeys("@question1", "@question2", "@permission1");
    assertThat(daemon.post("/v1/sessions/demo", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
    assertThat(daemon.post("/v1/sessions/ending", "{\"agent\":\"mock\"}").statusCode()).isEqualTo(200);
    Files.createDirectories(shared.resolve("home/.codex"));
    Files.writeString(shared.resolve("home/.codex/auth.json"), "{\"OPENAI_API_KEY\":\"sk-proj-fake-0123456789\"}");
  }

  @AfterAll
  static void stopDaemon() throws InterruptedException {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private static Run run(Map<String, String> env, String stdin, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Dist.dir().resolve("bin/sandbox-agent").toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    for (String key : List.of("ANTHROPIC_API_KEY", "CLAUDE_API_KEY", "OPENAI_API_KEY", "CODEX_API_KEY", "SANDBOX_TOKEN")) {
      pb.environment().remove(key);
    }
    pb.environment().put("XDG_DATA_HOME", data.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      Future<String> err = pool.submit(() -> new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Run(p.exitValue(), out, err.get());
    }
  }

  private static Run run(Map<String, String> env, String... args) throws Exception {
    return run(env, "", List.of(args));
  }

  /**
   * One row: the command, the case, the exit status, the arguments (with {@code @E} the shared
   * daemon's URL, {@code @DEAD} a URL nothing answers, {@code @TAKEN} a port in use, {@code @HOME} a
   * home with a Codex key, {@code @question1} … the ids the daemon gave), what stdout or stderr holds.
   */
  record Row(String command, String kind, int exit, String stdin, List<String> args, String out, String err) {
    @Override
    public String toString() {
      return command + " / " + kind + " -> " + exit;
    }
  }

  private static Row help(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--help");
    return new Row(command, "help", 0, "", all, "Usage: sandbox-agent " + command, "");
  }

  private static Row row(String command, String kind, int exit, String out, String err, String... args) {
    return new Row(command, kind, exit, "", List.of(args), out, err);
  }

  static Stream<Row> table() {
    String api = "--token cli-token";
    return Stream.of(
        help(""),
        row("", "good", 0, "sandbox-agent ", "", "--version"),
        row("", "usage error", 2, "", "error: missing command: run `sandbox-agent server`", new String[0]),
        row("", "usage error", 2, "", "Unmatched argument at index 0: 'serve'", "serve"),

        help("server", "server"),
        row("server", "usage error", 2, "", "error: missing --token or --no-token for server mode", "server"),
        row("server", "usage error", 2, "", "unknown install source 'bogus'", "server", "-n", "--install-sources",
            "bogus"),
        row("server", "usage error", 2, "", "--cors-allow-credentials cannot be combined with a wildcard", "server",
            "-n", "-C"),
        row("server", "usage error", 2, "", "'--token <TOKEN>' cannot be used with '--no-token'", "server", "-n",
            "-t", "x"),
        row("server", "failure", 1, "", "error: address 127.0.0.1:@TAKEN is already in use", "server", "-n", "--port",
            "@TAKEN", "--ephemeral"),

        help("install-agent", "install-agent"),
        row("install-agent", "good", 0, "", "installed mock", "install-agent", "mock", "--reinstall"),
        row("install-agent", "usage error", 2, "", "Missing required parameter: '<AGENT>'", "install-agent"),
        row("install-agent", "failure", 1, "", "error: unsupported agent: nosuch", "install-agent", "nosuch"),

        help("api", "api"),
        row("api", "usage error", 2, "", "error: missing command: agents or sessions", "api"),
        help("api agents", "api", "agents"),
        row("api agents", "usage error", 2, "", "error: missing command: list, install or modes", "api", "agents"),
        help("api agents list", "api", "agents", "list"),
        row("api agents list", "good", 0, "\"id\": \"mock\"", "", "api", "-e", "@E", "agents", "list", "-t",
            "cli-token"),
        row("api agents list", "usage error", 2, "", "Unknown option: '--bogus'", "api", "agents", "list", "--bogus"),
        row("api agents list", "failure", 1, "", "error: the daemon is not reachable at @DEAD", "api", "agents", "list",
            "-e", "@DEAD"),
        help("api agents install", "api", "agents", "install"),
        row("api agents install", "good", 0, "", "", "api", "agents", "install", "mock", "-e", "@E", "-t", "cli-token"),
        row("api agents install", "usage error", 2, "", "Missing required parameter: '<AGENT>'", "api", "agents",
            "install"),
        row("api agents install", "failure", 1, "", "unexpected http status: 400 Bad Request", "api", "agents", "install",
            "nosuch", "-e", "@E", "-t", "cli-token"),
        help("api agents modes", "api", "agents", "modes"),
        row("api agents modes", "good", 0, "\"modes\"", "", "api", "agents", "modes", "mock", "-e", "@E", "-t",
            "cli-token"),
        row("api agents modes", "usage error", 2, "", "Unmatched argument", "api", "agents", "modes", "a", "b"),
        row("api agents modes", "failure", 1, "", "unexpected http status: 401 Unauthorized", "api", "agents", "modes",
            "mock", "-e", "@E", "-n"),

        help("api sessions", "api", "sessions"),
        row("api sessions", "usage error", 2, "", "error: missing command: list, create", "api", "sessions"),
        help("api sessions list", "api", "sessions", "list"),
        row("api sessions list", "good", 0, "\"sessionId\": \"demo\"", "", "-t", "cli-token", "api", "sessions", "list",
            "-e", "@E"),
        row("api sessions list", "usage error", 2, "", "Invalid value for option '--endpoint': 'notaurl'", "api",
            "sessions", "list", "-e", "notaurl"),
        row("api sessions list", "failure", 1, "", "error: the daemon is not reachable at @DEAD", "api", "sessions",
            "list", "-e", "@DEAD"),
        help("api sessions create", "api", "sessions", "create"),
        row("api sessions create", "good", 0, "\"healthy\": true", "", "api", "sessions", "create", "q?x=1", "-a",
            "mock", "-e", "@E", "-t", "cli-token"),
        row("api sessions create", "usage error", 2, "", "Missing required option: '--agent=<AGENT>'", "api",
            "sessions", "create", "s"),
        row("api sessions create", "failure", 1, "", "unexpected http status: 409 Conflict", "api", "sessions",
            "create", "demo", "-a", "mock", "-e", "@E", "-t", "cli-token"),
        help("api sessions send-message", "api", "sessions", "send-message"),
        row("api sessions send-message", "good", 0, "", "", "api", "sessions", "send-message", "demo", "-m", "help",
            "-e", "@E", "-t", "cli-token"),
        row("api sessions send-message", "usage error", 2, "", "Missing required option: '--message=<TEXT>'", "api",
            "sessions", "send-message", "demo"),
        row("api sessions send-message", "failure", 1, "", "404 Not Found", "api", "sessions", "send-message", "nosuch",
            "-m", "hi", "-e", "@E", "-t", "cli-token"),
        help("api sessions send-message-stream", "api", "sessions", "send-message-stream"),
        row("api sessions send-message-stream", "good", 0, "\"type\":\"item.completed\"", "", "api", "sessions",
            "send-message-stream", "demo", "-m", "echo OK", "-e", "@E", "-t", "cli-token"),
        row("api sessions send-message-stream", "usage error", 2, "", "Unknown option: '-x'", "api", "sessions",
            "send-message-stream", "demo", "-m", "hi", "-x"),
        row("api sessions send-message-stream", "failure", 1, "", "404 Not Found", "api", "sessions",
            "send-message-stream", "nosuch", "-m", "hi", "-e", "@E", "-t", "cli-token"),
        help("api sessions events", "api", "sessions", "events"),
        row("api sessions events", "good", 0, "\"type\": \"session.started\"", "", "api", "sessions", "events", "demo",
            "-o", "0", "-l", "3", "-e", "@E", "-t", "cli-token"),
        row("api sessions events", "usage error", 2, "", "Invalid value for option '--offset': '-1'", "api", "sessions",
            "events", "demo", "-o", "-1"),
        row("api sessions events", "failure", 1, "", "404 Not Found", "api", "sessions", "events", "nosuch", "-e", "@E",
            "-t", "cli-token"),
        new Row("api sessions get-messages", "help", 0, "", List.of("api", "sessions", "get-messages", "--help"),
            "Usage: sandbox-agent api sessions events", ""),
        row("api sessions get-messages", "good", 0, "\"events\"", "", "api", "sessions", "get-messages", "demo", "-e",
            "@E", "-t", "cli-token"),
        row("api sessions get-messages", "usage error", 2, "", "Invalid value for option '--limit'", "api", "sessions",
            "get-messages", "demo", "-l", "ten"),
        row("api sessions get-messages", "failure", 1, "", "the daemon is not reachable", "api", "sessions",
            "get-messages", "demo", "-e", "@DEAD"),
        help("api sessions events-sse", "api", "sessions", "events-sse"),
        row("api sessions events-sse", "usage error", 2, "", "Missing required parameter: '<SESSION_ID>'", "api",
            "sessions", "events-sse"),
        row("api sessions events-sse", "failure", 1, "", "404 Not Found", "api", "sessions", "events-sse", "nosuch",
            "-e", "@E", "-t", "cli-token"),
        help("api sessions reply-question", "api", "sessions", "reply-question"),
        row("api sessions reply-question", "good", 0, "", "", "api", "sessions", "reply-question", "questions",
            "@question1", "-a", "[[\"Red\"]]", "-e", "@E", "-t", "cli-token"),
        row("api sessions reply-question", "usage error", 2, "", "Invalid value for option '--answers': not JSON",
            "api", "sessions", "reply-question", "s", "q", "-a", "notjson"),
        row("api sessions reply-question", "failure", 1, "", "unknown question id: nosuch", "api", "sessions", "reply-question",
            "questions", "nosuch", "-a", "[[\"Red\"]]", "-e", "@E", "-t", "cli-token"),
        help("api sessions reject-question", "api", "sessions", "reject-question"),
        row("api sessions reject-question", "good", 0, "", "", "api", "sessions", "reject-question", "questions",
            "@question2", "-e", "@E", "-t", "cli-token"),
        row("api sessions reject-question", "usage error", 2, "", "Missing required parameter: '<QUESTION_ID>'", "api",
            "sessions", "reject-question", "questions"),
        row("api sessions reject-question", "failure", 1, "", "unknown question id: nosuch", "api", "sessions", "reject-question",
            "questions", "nosuch", "-e", "@E", "-t", "cli-token"),
        help("api sessions reply-permission", "api", "sessions", "reply-permission"),
        row("api sessions reply-permission", "good", 0, "", "", "api", "sessions", "reply-permission", "permissions",
            "@permission1", "-r", "ONCE", "-e", "@E", "-t", "cli-token"),
        row("api sessions reply-permission", "usage error", 2, "", "Invalid value for option '--reply'", "api",
            "sessions", "reply-permission", "permissions", "p", "-r", "maybe"),
        row("api sessions reply-permission", "failure", 1, "", "unknown permission id: nosuch", "api", "sessions", "reply-permission",
            "permissions", "nosuch", "-r", "once", "-e", "@E", "-t", "cli-token"),
        help("api sessions terminate", "api", "sessions", "terminate"),
        row("api sessions terminate", "good", 0, "", "", "api", "sessions", "terminate", "ending", "-e", "@E", "-t",
            "cli-token"),
        row("api sessions terminate", "usage error", 2, "", "Missing required parameter: '<SESSION_ID>'", "api",
            "sessions", "terminate"),
        row("api sessions terminate", "failure", 1, "", "404 Not Found", "api", "sessions", "terminate", "nosuch", "-e",
            "@E", "-t", "cli-token"),

        help("credentials", "credentials"),
        row("credentials", "usage error", 2, "", "error: missing command: extract or extract-env", "credentials"),
        help("credentials extract", "credentials", "extract"),
        row("credentials extract", "good", 0, "\"source\": \"codex\"", "", "credentials", "extract", "-d", "@HOME"),
        row("credentials extract", "usage error", 2, "", "invalid value 'nobody' for '--agent <AGENT>'", "credentials",
            "extract", "-a", "nobody"),
        row("credentials extract", "failure", 1, "", "error: no credentials found for provider anthropic",
            "credentials", "extract", "-d", "@HOME", "-a", "claude"),
        help("credentials extract-env", "credentials", "extract-env"),
        row("credentials extract-env", "good", 0, "export OPENAI_API_KEY=sk-proj-fake-0123456789", "", "credentials",
            "extract-env", "-e", "-d", "@HOME"),
        row("credentials extract-env", "usage error", 2, "", "Unknown option: '--reveal'", "credentials",
            "extract-env", "--reveal"),

        help("hash-token", "hash-token"),
        new Row("hash-token", "good", 0, "s3cret\n", List.of("hash-token"), "sha256:", ""),
        row("hash-token", "usage error", 2, "", "Unmatched argument at index 1: 's3cret'", "hash-token", "s3cret"),
        row("hash-token", "failure", 1, "", "error: no token on standard input", "hash-token"),

        help("completion", "completion"),
        row("completion", "good", 0, "complete -F _complete_sandbox-agent", "", "completion", "bash"),
        row("completion", "good", 0, "bashcompinit", "", "completion", "zsh"),
        row("completion", "usage error", 2, "", "Invalid value for positional parameter at index 0 (<SHELL>)",
            "completion", "fish"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void everyCommand(Row row) throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Map<String, String> values = new HashMap<>(IDS);
      values.put("@E", daemon.base);
      values.put("@DEAD", "http://127.0.0.1:" + dead);
      values.put("@TAKEN", String.valueOf(taken.getLocalPort()));
      values.put("@HOME", shared.resolve("home").toString());
      List<String> args = row.args().stream().map(a -> values.getOrDefault(a, a)).toList();
      Run run = run(Map.of("HOME", shared.resolve("home").toString()), row.stdin(), args);
      assertThat(run.exit()).as("%s\nstdout: %s\nstderr: %s", args, run.out(), run.err()).isEqualTo(row.exit());
      assertThat(run.out()).contains(fill(row.out(), values));
      assertThat(run.err()).contains(fill(row.err(), values));
      if (row.exit() == 0) {
        assertThat(run.err()).doesNotContain("error");
      } else {
        assertThat(run.out()).as("nothing on stdout on an error").isEmpty();
        assertThat(run.err()).as("one style of error").contains("error: ").doesNotContain("error=")
            .doesNotContain("Exception").doesNotContain("\tat ");
      }
      if (row.exit() == 2) {
        assertThat(run.err()).contains("--help' for usage.");
      }
    }
  }

  private static String fill(String text, Map<String, String> values) {
    String filled = text;
    for (Map.Entry<String, String> v : values.entrySet()) {
      filled = filled.replace(v.getKey(), v.getValue());
    }
    return filled;
  }

  @Test
  void idsArePercentEncodedSoTheyStayOneSegment() throws Exception {
    for (String id : List.of("a#b", "a b")) {
      Run create = run(Map.of("SANDBOX_TOKEN", "cli-token"), "api", "sessions", "create", id, "-a", "mock", "-e",
          daemon.base);
      assertThat(create.exit()).as(create.err()).isZero();
    }
    Run list = run(Map.of("SANDBOX_TOKEN", "cli-token"), "api", "sessions", "list", "-e", daemon.base);
    assertThat(list.out()).contains("\"sessionId\": \"a#b\"").contains("\"sessionId\": \"a b\"")
        .doesNotContain("\"sessionId\": \"a\"");
  }

  @Test
  void theServerStartsAndEventsSseStreamsUntilTheDaemonStops() throws Exception {
    Launcher own = Launcher.start(work, "cli-token");
    Process sse;
    try {
      assertThat(run(Map.of(), "api", "sessions", "create", "live", "--agent", "mock", "--endpoint", own.base,
          "--token", "cli-token").exit()).isZero();
      sse = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString(), "api", "sessions", "events-sse",
          "live", "-o", "0", "-e", own.base, "-t", "cli-token").redirectOutput(work.resolve("sse.out").toFile())
          .redirectError(work.resolve("sse.err").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(work.resolve("sse.out")).contains("session.started") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(sse.isAlive()).as("the stream stays open").isTrue();
    } finally {
      own.stop();
    }
    assertThat(sse.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(sse.exitValue()).as(Files.readString(work.resolve("sse.err"))).isZero();
    assertThat(Files.readString(work.resolve("sse.out"))).startsWith("id: 1\ndata: {").contains("session.started");
  }

  @Test
  void apiCommandsTakeTheTokenFromFlagsOrTheEnvironment() throws Exception {
    Run unauthorized = run(Map.of("SANDBOX_TOKEN", "cli-token"), "api", "agents", "list", "-e", daemon.base,
        "--no-token");
    assertThat(unauthorized.exit()).isEqualTo(1);
    assertThat(unauthorized.err()).contains("unexpected http status: 401 Unauthorized");

    Run conflicting = run(Map.of(), "api", "agents", "list", "-e", daemon.base, "--no-token", "-t", "cli-token");
    assertThat(conflicting.exit()).isEqualTo(2);
    assertThat(conflicting.err()).contains("'--token <TOKEN>' cannot be used with '--no-token'")
        .doesNotContain("cli-token");

    Run fromEnv = run(Map.of("SANDBOX_TOKEN", "cli-token"), "api", "agents", "list", "-e", daemon.base);
    assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();
    assertThat(fromEnv.out()).contains("\"id\": \"mock\"");

    Run create = run(Map.of(), "api", "sessions", "create", "pretty", "--agent", "mock", "--endpoint", daemon.base,
        "--token", "cli-token");
    assertThat(create.out()).isEqualTo("{\n  \"healthy\": true,\n  \"nativeSessionId\": \"mock-pretty\"\n}\n");
  }

  @Test
  void credentialsFromAFakeHome() throws Exception {
    Path home = Files.createDirectories(work.resolve("home"));
    Files.createDirectories(home.resolve(".codex"));
    Files.writeString(home.resolve(".codex/auth.json"), "{\"OPENAI_API_KEY\":\"sk-proj-fake-0123456789\"}");
    Files.writeString(home.resolve(".claude.json"), "{\"primaryApiKey\":\"sk-ant-fake-abcdefgh\"}");

    Run extract = run(Map.of(), "credentials", "extract", "--home-dir", home.toString());
    assertThat(extract.exit()).as(extract.err()).isZero();
    assertThat(extract.out()).contains("\"source\": \"claude-code\"").contains("\"api_key\": \"sk-a...efgh\"")
        .contains("\"source\": \"codex\"").contains("\"other\": {}");

    Run env = run(Map.of("HOME", home.toString()), "credentials", "extract-env", "--export");
    assertThat(env.out()).isEqualTo("export ANTHROPIC_API_KEY=sk-ant-fake-abcdefgh\nexport CLAUDE_API_KEY=sk-ant-fake-abcdefgh\n"
        + "export OPENAI_API_KEY=sk-proj-fake-0123456789\nexport CODEX_API_KEY=sk-proj-fake-0123456789\n");

    Run agent = run(Map.of(), "credentials", "extract", "-d", home.toString(), "-a", "codex");
    assertThat(agent.out()).isEqualTo("sk-proj-fake-0123456789\n");
  }
}
