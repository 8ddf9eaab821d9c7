package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.export.PostgresSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --event-sink} and {@code SANDBOX_AGENT_EVENT_SINK}. */
class EventSinkOptionTest {

  @TempDir Path tmp;

  private HostConfig config(Map<String, String> env, String... args) {
    return CliRuns.serverConfig(env, args);
  }

  private static String refusal(Map<String, String> env, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Cli.run(args, env, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).as(String.join(" ", args)).isEqualTo(1);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSinkComesFromTheFlagOrTheEnvironment() {
    String data = tmp.toString();
    assertThat(config(Map.of(), "--no-token", "server", "--data-dir", data).eventSink()).isNull();
    assertThat(config(Map.of(), "--no-token", "server", "--data-dir", data, "--event-sink",
        "postgresql://app@db.internal:5433/events").eventSink())
        .isEqualTo(URI.create("postgresql://app@db.internal:5433/events"));
    assertThat(config(Map.of("SANDBOX_AGENT_EVENT_SINK", "postgres://app:secret@db/events"), "--no-token", "server",
        "--data-dir", data).eventSink()).isEqualTo(URI.create("postgres://app:secret@db/events"));
  }

  @Test
  void aSinkThatIsNotPostgresqlOrWithoutADataDirectoryIsRefusedWithoutShowingThePassword() {
    assertThat(refusal(Map.of(), "--no-token", "server", "--data-dir", tmp.toString(), "--event-sink",
        "mysql://u:hunter2@db/x")).contains("postgresql://").doesNotContain("hunter2");
    assertThat(refusal(Map.of(), "--no-token", "server", "--data-dir", tmp.toString(), "--event-sink",
        "postgresql://u:hunter2@db")).contains("host and a database").doesNotContain("hunter2");
    assertThat(refusal(Map.of("SANDBOX_AGENT_EVENT_SINK", "postgresql://u:hunter2@db/x"), "--no-token", "server",
        "--ephemeral")).contains("--ephemeral").doesNotContain("hunter2");
  }

  @Test
  void thePasswordIsNeverShown() {
    assertThat(PostgresSink.parse(URI.create("postgresql://app:hunter2@db:5433/events?sslmode=require")))
        .hasToString("postgresql://db:5433/events");
  }
}
