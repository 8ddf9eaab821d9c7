package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every command has its own help, and the README shows the command line's. */
class HelpTest {

  @Test
  void everyCommandPrintsItsOwnHelp() {
    for (String command : List.of("server", "install-agent", "api", "api agents", "api agents list",
        "api agents install", "api agents modes", "api sessions", "api sessions list", "api sessions create",
        "api sessions send-message", "api sessions send-message-stream", "api sessions terminate",
        "api sessions events", "api sessions get-messages", "api sessions events-sse", "api sessions reply-question",
        "api sessions reject-question", "api sessions reply-permission", "credentials", "credentials extract",
        "credentials extract-env", "hash-token", "completion")) {
      List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
      args.add("--help");
      CliRuns.Run help = CliRuns.run(Map.of(), args.toArray(String[]::new));
      assertThat(help.exit()).as(command).isZero();
      assertThat(help.err()).as(command).isEmpty();
      String name = command.replace("get-messages", "events");
      assertThat(help.out()).as(command).startsWith("Usage: sandbox-agent " + name).contains("-h, --help");
    }
    assertThat(CliRuns.run(Map.of(), "api", "--help").out()).contains("-t, --token").contains("-e, --endpoint");
    assertThat(CliRuns.run(Map.of(), "server", "--help").out()).contains("[env SANDBOX_AGENT_DATA_DIR;")
        .contains("-A, --cors-allow-header").doesNotContain("--agent-version");
    assertThat(CliRuns.run(Map.of(), "install-agent", "--help").out()).contains("-A, --agent-version")
        .doesNotContain("--cors-allow-header");
  }

  @Test
  void theReadmeShowsTheHelpAsPrinted() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String help = CliRuns.run(Map.of(), "--help").out();
    assertThat(readme).contains("\n```\n" + help + "```\n");
  }

  @Test
  void versionIsPrintedAtTheTopLevelOnly() {
    assertThat(CliRuns.run(Map.of(), "--version").out()).startsWith("sandbox-agent ");
    CliRuns.Run sub = CliRuns.run(Map.of(), "hash-token", "--version");
    assertThat(sub.exit()).isEqualTo(2);
    assertThat(sub.err()).startsWith("error: Unknown option: '--version'");
  }

  @Test
  void hashTokenReadsStandardInput() {
    CliRuns.Run hash = CliRuns.runWithInput(Map.of(), "s3cret\n", "hash-token");
    assertThat(hash.exit()).isZero();
    assertThat(hash.out()).matches("sha256:[0-9a-f]{64}\n");
    CliRuns.Run none = CliRuns.runWithInput(Map.of(), "", "hash-token");
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err()).isEqualTo("error: no token on standard input\n");
  }
}
