package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.host.daemon.HostConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --retention} and {@code SANDBOX_AGENT_RETENTION}. */
class RetentionOptionTest {

  private static HostConfig config(Map<String, String> env, String... args) {
    return CliRuns.serverConfig(env, args);
  }

  private static String refusal(Map<String, String> env, int status, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Cli.run(args, env, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).as(String.join(" ", args)).isEqualTo(status);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void endedSessionsAreKeptUntilDeletedByDefault() {
    assertThat(config(Map.of(), "--no-token", "server").retention()).isNull();
  }

  @Test
  void retentionIsReadInShortAndIso8601Forms() {
    Map<String, Duration> forms = Map.of(
        "7d", Duration.ofDays(7), "12h", Duration.ofHours(12), "30m", Duration.ofMinutes(30),
        "45s", Duration.ofSeconds(45), "500ms", Duration.ofMillis(500), "P7D", Duration.ofDays(7),
        "PT12H", Duration.ofHours(12), "pt1.5s", Duration.ofMillis(1500), "P1DT2H", Duration.ofHours(26));
    forms.forEach((text, expected) -> {
      assertThat(config(Map.of(), "--no-token", "server", "--retention", text).retention()).as(text).isEqualTo(expected);
      assertThat(config(Map.of("SANDBOX_AGENT_RETENTION", text), "--no-token", "server").retention()).as(text)
          .isEqualTo(expected);
    });
  }

  @Test
  void theFlagWinsOverTheEnvironment() {
    assertThat(config(Map.of("SANDBOX_AGENT_RETENTION", "7d"), "--no-token", "server", "--retention=2h").retention())
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void aRetentionThatIsNotAPositiveDurationIsRefused() {
    for (String value : new String[] {"0s", "-1d", "PT0S", "PT-5M", "week", "7", "7 d", "1.5h"}) {
      assertThat(refusal(Map.of(), 2, "--no-token", "server", "--retention", value))
          .as(value).contains("Invalid value for option '--retention'").contains(value);
      assertThat(refusal(Map.of("SANDBOX_AGENT_RETENTION", value), 1, "--no-token", "server"))
          .as(value).contains("invalid SANDBOX_AGENT_RETENTION").contains(value);
    }
  }
}
