package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.host.daemon.HostConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The server's connection timeout options. */
class ServerTimeoutOptionsTest {

  private static HostConfig config(String... args) {
    return CliRuns.serverConfig(java.util.Map.of(), args);
  }

  @Test
  void timeoutsDefaultToTenSecondsForHeadersAndAMinuteIdle() {
    HostConfig config = config("--no-token", "server");
    assertThat(config.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void timeoutsAreSetInSeconds() {
    HostConfig config = config("--no-token", "server", "--header-timeout", "3", "--idle-timeout=120");
    assertThat(config.headerTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void aTimeoutThatIsNotAPositiveNumberIsAUsageError() {
    for (String value : new String[] {"0", "-1", "ten"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = Cli.run(new String[] {"--no-token", "server", "--idle-timeout", value}, java.util.Map.of(),
          new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(status).as(value).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("Invalid value for option '--idle-timeout': '" + value + "'");
    }
  }
}
