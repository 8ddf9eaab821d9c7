package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shipped launcher's client commands run as processes: {@code api} and {@code credentials}. */
@Timeout(180)
class CliIT {

  @TempDir Path work;
  /** The data directory of the daemons the commands may start: the test's, never the user's. */
  @TempDir static Path data;

  record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Dist.dir().resolve("bin/sandbox-agent").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    for (String key : List.of("ANTHROPIC_API_KEY", "CLAUDE_API_KEY", "OPENAI_API_KEY", "CODEX_API_KEY", "SANDBOX_TOKEN")) {
      pb.environment().remove(key);
    }
    pb.environment().put("XDG_DATA_HOME", data.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> err = pool.submit(() -> new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Run(p.exitValue(), out, err.get());
    }
  }

  @Test
  void apiCommandsAgainstALiveDaemon() throws Exception {
    Launcher daemon = Launcher.start(work, "cli-token");
    try {
      Run create = run(Map.of(), "api", "sessions", "create", "demo", "--agent", "mock", "--endpoint", daemon.base,
          "--token", "cli-token");
      assertThat(create.exit()).as(create.err()).isZero();
      assertThat(create.out()).isEqualTo("{\n  \"healthy\": true,\n  \"nativeSessionId\": \"mock-demo\"\n}\n");

      Run stream = run(Map.of(), "-t", "cli-token", "api", "sessions", "send-message-stream", "demo", "-m",
          "Reply with exactly the single word OK.", "-e", daemon.base);
      assertThat(stream.exit()).as(stream.err()).isZero();
      assertThat(stream.out()).contains("\"type\":\"item.completed\"").contains("OK").doesNotContain("event:");

      Run events = run(Map.of(), "api", "sessions", "events", "demo", "-o", "0", "-l", "3", "-e", daemon.base,
          "-t", "cli-token");
      assertThat(events.out()).contains("\"hasMore\": true").contains("\"type\": \"session.started\"");

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
    } finally {
      daemon.stop();
    }
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
    assertThat(run(Map.of(), "credentials", "extract", "-a", "nobody").exit()).isEqualTo(2);
  }
}
