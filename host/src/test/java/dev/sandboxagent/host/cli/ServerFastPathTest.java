package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.host.daemon.HostConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

/** A plain {@code server} command line is read without the parser, into the same configuration. */
class ServerFastPathTest {

  @TempDir Path tmp;

  private static Optional<ServerCommand> fast(Map<String, String> env, String... args) {
    return ServerFastPath.parse(args, new CommandContext(env, InputStream.nullInputStream(), System.out, System.err));
  }

  @Test
  void plainCommandLinesGiveWhatTheParserGives() {
    Map<String, String> env = Map.of("XDG_DATA_HOME", tmp.toString());
    for (List<String> line : List.of(
        List.of("server", "--no-token"),
        List.of("-t", "secret", "server", "--host", "0.0.0.0", "--port=0"),
        List.of("--token-file", "/dev/null", "server", "-n", "--port", "9").subList(2, 6),
        List.of("server", "-n", "-O", "http://a", "-O", "http://b", "-M", "GET", "-A", "x-a", "-C", "--no-telemetry",
            "--max-body-size", "100", "--header-timeout", "3", "--idle-timeout=7", "--retention", "7d",
            "--install-sources", "npm,local", "--agent-bin", "mock=/bin/true", "--agent-archive=codex=/tmp/c.tgz",
            "--max-archive-size", "5", "--max-archive-entries", "6", "--plugins-dir", "p", "--install-dir", "i",
            "--data-dir", "d", "--log-level", "warn", "--log-format", "json"))) {
      String[] args = line.toArray(String[]::new);
      Optional<ServerCommand> server = fast(env, args);
      assertThat(server).as(String.join(" ", line)).isPresent();
      HostConfig viaFastPath = server.get().toConfig(server.get().cli.token(), server.get().cli.noToken(), env);
      assertThat(viaFastPath).as(String.join(" ", line)).usingRecursiveComparison()
          .isEqualTo(CliRuns.serverConfig(env, args));
    }
  }

  /** Each option the parser knows for server is read, under each of its names, into the same configuration. */
  @Test
  void everyOptionOfTheParserIsReadTheSameWay() {
    Map<String, String> env = Map.of("XDG_DATA_HOME", tmp.toString());
    Map<String, String> samples = Map.ofEntries(Map.entry("<PORT>", "8080"), Map.entry("<BYTES>", "1000"),
        Map.entry("<SECONDS>", "5"), Map.entry("<DURATION>", "12h"), Map.entry("<LIST>", "npm,local"),
        Map.entry("<AGENT>=<PATH>", "mock=/bin/true"), Map.entry("<N>", "7"), Map.entry("<LEVEL>", "debug"),
        Map.entry("<FORMAT>", "json"), Map.entry("<URL>", "postgresql://u@db/x"), Map.entry("<TOKEN>", "tok"));
    CommandContext context = new CommandContext(env, InputStream.nullInputStream(), System.out, System.err);
    picocli.CommandLine line = Cli.commandLine(new Cli(context), context);
    Set<String> names = new HashSet<>();
    for (OptionSpec option : line.getSubcommands().get("server").getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      for (String name : option.names()) {
        names.add(name);
        List<String> args = new ArrayList<>(List.of("server"));
        if (!name.equals("-n") && !name.equals("--no-token") && !name.equals("-t") && !name.equals("--token")
            && !name.equals("--token-file")) {
          args.add("-n");
        }
        args.add(name);
        if (option.arity().max() > 0) {
          args.add(samples.getOrDefault(option.paramLabel(), tmp.resolve("x").toString()));
        }
        if (name.equals("--event-sink")) {
          args.addAll(List.of("--data-dir", tmp.toString()));
        }
        if (name.equals("--token-file")) {
          continue;
        }
        String[] line2 = args.toArray(String[]::new);
        Optional<ServerCommand> server = fast(env, line2);
        assertThat(server).as(String.join(" ", args)).isPresent();
        if (name.equals("--tenants")) {
          continue;
        }
        assertThat(server.get().toConfig(server.get().cli.token(), server.get().cli.noToken(), env))
            .as(String.join(" ", args)).usingRecursiveComparison().isEqualTo(CliRuns.serverConfig(env, line2));
      }
    }
    for (String name : names) {
      assertThat(ServerFastPath.longName(name)).as(name).isNotEmpty();
    }
  }

  @Test
  void anythingElseIsLeftToTheParser() {
    for (List<String> line : List.<List<String>>of(List.of(), List.of("server", "--help"), List.of("server", "-h"),
        List.of("--version"), List.of("server", "--bogus"), List.of("server", "-p", "x"), List.of("server", "-Cn"),
        List.of("--port", "1", "server"), List.of("server", "-p", "1", "-p", "2"), List.of("server", "-p"),
        List.of("server", "-n", "--ephemeral=yes"), List.of("server", "extra"), List.of("hash-token"),
        List.of("api", "sessions", "list"), List.of("server", "--install-sources", "bogus"))) {
      assertThat(fast(Map.of(), line.toArray(String[]::new))).as(String.join(" ", line)).isEmpty();
    }
  }

  @Test
  void errorsAfterParsingLookTheSameOnBothPaths() {
    CliRuns.Run fastRun = CliRuns.run(Map.of(), "server");
    assertThat(fastRun.exit()).isEqualTo(2);
    assertThat(fastRun.err()).isEqualTo("error: missing --token or --no-token for server mode (or a token from "
        + "--token-file or SANDBOX_TOKEN)\nRun 'sandbox-agent server --help' for usage.\n");
    CliRuns.Run parsed = CliRuns.run(Map.of(), "server", "-p", "x");
    assertThat(parsed.exit()).isEqualTo(2);
    assertThat(parsed.err()).startsWith("error: Invalid value for option '--port': 'x' is not a port number")
        .endsWith("Run 'sandbox-agent server --help' for usage.\n");
  }
}
