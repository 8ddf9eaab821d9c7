package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.http.CorsConfig;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process: token options and a server that cannot listen. */
@Timeout(60)
class CliTest {

  private static final String SECRET = "s3cret-value-0123";

  @TempDir Path tmp;

  private static CliRuns.Run run(Map<String, String> env, String... args) {
    return CliRuns.run(env, args);
  }

  private static HostConfig config(Map<String, String> env, String... args) {
    return CliRuns.serverConfig(env, args);
  }

  @Test
  void theAccessLogFlagTakesNoValue() {
    CommandContext context = new CommandContext(Map.of(), InputStream.nullInputStream(), System.out, System.err);
    assertThat(ServerFastPath.parse(new String[] {"server", "--no-token", "--access-log"}, context).orElseThrow()
        .accessLog).isTrue();
    assertThat(ServerFastPath.parse(new String[] {"server", "--no-token"}, context).orElseThrow().accessLog).isFalse();
    CliRuns.Run run = CliRuns.run(Map.of(), "server", "--no-token", "--access-log=1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--access-log");
  }

  @Test
  void tokenWithNoTokenIsAUsageErrorNamingBothInEitherOrder() {
    for (String[] args : List.of(
        new String[] {"server", "--token", SECRET, "--no-token"},
        new String[] {"server", "--no-token", "--token", SECRET},
        new String[] {"-t", SECRET, "server", "-n"},
        new String[] {"--token=" + SECRET, "server", "--no-token"})) {
      CliRuns.Run run = run(Map.of(), args);
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err()).as(String.join(" ", args))
          .contains("'--token <TOKEN>' cannot be used with '--no-token'").doesNotContain(SECRET);
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void tokenFileWithTokenOrNoTokenIsAUsageError() throws Exception {
    Path file = Files.writeString(tmp.resolve("token"), SECRET + "\n");
    CliRuns.Run both = run(Map.of(), "server", "--token", SECRET, "--token-file", file.toString());
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("'--token <TOKEN>' cannot be used with '--token-file <FILE>'")
        .doesNotContain(SECRET);
    CliRuns.Run off = run(Map.of(), "--token-file", file.toString(), "server", "-n");
    assertThat(off.exit()).isEqualTo(2);
    assertThat(off.err()).contains("'--token-file <FILE>' cannot be used with '--no-token'");
    CliRuns.Run api = run(Map.of(), "api", "agents", "list", "--no-token", "-t", SECRET);
    assertThat(api.exit()).isEqualTo(2);
    assertThat(api.err()).contains("'--token <TOKEN>' cannot be used with '--no-token'").doesNotContain(SECRET);
  }

  @Test
  void tokenComesFromTheEnvironmentWhenNoFlagGivesOne() {
    Map<String, String> env = Map.of("SANDBOX_TOKEN", SECRET + "\n");
    assertThat(config(env, "server").token()).isEqualTo(SECRET);
    assertThat(config(env, "server", "--token", "from-flag").token()).isEqualTo("from-flag");
    assertThat(config(env, "server", "--no-token").token()).isNull();
    assertThatThrownBy(() -> config(Map.of("SANDBOX_TOKEN", " "), "server"))
        .hasMessageContaining("missing --token or --no-token for server mode");
  }

  @Test
  void tokenFileIsReadWithoutItsTrailingNewline() throws Exception {
    Path file = Files.writeString(tmp.resolve("token"), SECRET + "\r\n");
    assertThat(config(Map.of("SANDBOX_TOKEN", "from-env"), "server", "--token-file", file.toString()).token())
        .isEqualTo(SECRET);
    assertThat(config(Map.of(), "--token-file=" + file, "server").token()).isEqualTo(SECRET);
  }

  @Test
  void unreadableOrEmptyTokenFileStopsTheServerWithAClearError() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    CliRuns.Run run = run(Map.of(), "server", "--token-file", empty.toString(), "--port", "0");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: the token file " + empty + " is empty\n");

    Path missing = tmp.resolve("missing");
    run = run(Map.of(), "server", "--token-file", missing.toString(), "--port", "0");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("error: cannot read the token file " + missing + ": no such file\n");

    Path twoLines = Files.writeString(tmp.resolve("two"), SECRET + "\nsecond-line\n");
    run = run(Map.of(), "server", "--token-file", twoLines.toString(), "--port", "0");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("must hold the token on one line").doesNotContain(SECRET);
  }

  @Test
  void apiClientSendsTheTokenFromTheEnvironmentOrATokenFile() throws Exception {
    HostConfig config = new HostConfig("127.0.0.1", 0, SECRET, CorsConfig.disabled(), tmp.resolve("plugins"),
        tmp.resolve("install"), tmp.resolve("default-install"), HostConfig.DEFAULT_MAX_BODY_BYTES,
        Duration.ofSeconds(15), tmp);
    try (Daemon daemon = Daemon.start(config, AdapterRegistry.of(List.of()))) {
      String endpoint = "http://127.0.0.1:" + daemon.port();
      assertThat(run(Map.of(), "api", "agents", "list", "-e", endpoint).exit()).isEqualTo(1);
      CliRuns.Run fromEnv = run(Map.of("SANDBOX_TOKEN", SECRET), "api", "agents", "list", "-e", endpoint);
      assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();
      Path file = Files.writeString(tmp.resolve("token"), SECRET + "\n");
      CliRuns.Run fromFile = run(Map.of("SANDBOX_TOKEN", "wrong"), "--token-file", file.toString(), "api", "agents", "list",
          "-e", endpoint);
      assertThat(fromFile.exit()).as(fromFile.err()).isZero();
      CliRuns.Run off = run(Map.of("SANDBOX_TOKEN", SECRET), "api", "agents", "list", "-e", endpoint, "--no-token");
      assertThat(off.exit()).isEqualTo(1);
      assertThat(off.err()).contains("401");
    }
  }

  @Test
  void theDefaultDirectoriesFollowTheGivenEnvironment() {
    HostConfig config = config(Map.of("XDG_DATA_HOME", tmp.toString()), "server", "--no-token");
    assertThat(config.dataDir()).isEqualTo(tmp.resolve("sandbox-agent"));
    assertThat(config.installDir()).isEqualTo(tmp.resolve("sandbox-agent").resolve("bin"));
    HostConfig given = config(Map.of("XDG_DATA_HOME", tmp.toString(), "SANDBOX_AGENT_DATA_DIR", tmp.resolve("d").toString(),
        "SANDBOX_AGENT_INSTALL_DIR", tmp.resolve("i").toString(), "SANDBOX_AGENT_PLUGINS_DIR", tmp.resolve("p").toString()),
        "server", "--no-token");
    assertThat(given.dataDir()).isEqualTo(tmp.resolve("d"));
    assertThat(given.installDir()).isEqualTo(tmp.resolve("i"));
    assertThat(given.pluginsDir()).isEqualTo(tmp.resolve("p"));
  }

  @Test
  void serverOnAPortInUseExitsWithOneClearLine() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      CliRuns.Run run = run(Map.of("XDG_DATA_HOME", tmp.toString()), "server", "--no-token", "--port", String.valueOf(port),
          "--plugins-dir",
          plugins.toString(), "--install-dir", tmp.resolve("install").toString());
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).isEqualTo("error: address 127.0.0.1:" + port + " is already in use\n");
    }
    assertNoNewThreadsLeft(before);
  }

  @Test
  void serverOnAnAddressOfAnotherMachineExitsWithOneClearLine() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    // 192.0.2.1 is reserved for documentation: no machine has it, so binding to it fails.
    CliRuns.Run run = run(Map.of("XDG_DATA_HOME", tmp.toString()), "server", "--no-token", "--host", "192.0.2.1", "--port",
        "2468", "--plugins-dir", plugins.toString(), "--install-dir", tmp.resolve("install").toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("error: cannot listen on 192.0.2.1:2468: 192.0.2.1 is not an address of this machine\n");
  }

  @Test
  void daemonThatCannotListenStopsWhatItStarted() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      HostConfig config = new HostConfig("127.0.0.1", taken.getLocalPort(), null, CorsConfig.disabled(),
          Files.createDirectories(tmp.resolve("plugins")), tmp.resolve("install"), tmp.resolve("default-install"),
          HostConfig.DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(15), tmp);
      assertThatThrownBy(() -> Daemon.start(config)).isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessage("address 127.0.0.1:" + taken.getLocalPort() + " is already in use");
    }
    assertNoNewThreadsLeft(before);
  }

  /** Waits (10 s at most) until every non-daemon thread started since {@code before} has ended. */
  private static void assertNoNewThreadsLeft(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Set<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
          .map(Thread::getName).collect(Collectors.toSet());
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(left).as("threads left running").isEmpty();
  }
}
