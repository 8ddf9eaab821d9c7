package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** A command line that names one command is parsed by a parser of that command alone, to the same results. */
class CommandsForTest {

  @Test
  void theOptionsReadBeforeACommandAreThoseItsLevelsParserKnows() {
    CommandContext context = new CommandContext(Map.of(), InputStream.nullInputStream(), System.out, System.err);
    CommandLine line = Cli.commandLine(new Cli(context), context);
    assertThat(Cli.LEVELS).containsOnlyKeys(Cli.class, ApiCommand.class);
    for (CommandLine level : List.of(line, line.getSubcommands().get("api"))) {
      Cli.CommandLevel expected = Cli.LEVELS.get(level.getCommandSpec().userObject().getClass());
      Set<String> values = new HashSet<>();
      Set<String> flags = new HashSet<>();
      for (OptionSpec option : level.getCommandSpec().options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        (option.arity().max() > 0 ? values : flags).addAll(List.of(option.names()));
      }
      String name = level.getCommandSpec().qualifiedName();
      assertThat(values).as(name).isEqualTo(expected.valueOptions());
      assertThat(flags).as(name).isEqualTo(expected.flags());
      assertThat(level.getSubcommands().keySet()).as(name).containsExactlyElementsOf(expected.commands().stream()
          .map(c -> c.getAnnotation(CommandLine.Command.class).name()).toList());
    }
  }

  @Test
  void theCommandsNamedAfterEachLevelsOptionsAreTheOnesParsed() {
    assertThat(Cli.commandsFor(new String[] {"api", "sessions", "list"}))
        .containsExactly(ApiCommand.class, ApiSessionsCommand.class);
    assertThat(Cli.commandsFor(new String[] {"-n", "api", "-e", "http://h", "--token-file=f", "-t", "x", "agents"}))
        .containsExactly(ApiCommand.class, ApiAgentsCommand.class);
    assertThat(Cli.commandsFor(new String[] {"api", "--endpoint=http://h", "agents", "sessions"}))
        .containsExactly(ApiCommand.class, ApiAgentsCommand.class);
    assertThat(Cli.commandsFor(new String[] {"-t", "api", "server"})).containsExactly(ServerCommand.class);
    assertThat(Cli.commandsFor(new String[] {"--token-file", "f", "-n", "--token=x", "credentials"}))
        .containsExactly(CredentialsCommand.class);
    for (List<String> all : List.<List<String>>of(List.of(), List.of("--help"), List.of("-V", "api"), List.of("completion", "bash"),
        List.of("bogus", "api"), List.of("-nt", "api"), List.of("-t"), List.of("help", "api"))) {
      assertThat(Cli.commandsFor(all.toArray(String[]::new))).as(String.join(" ", all)).isEqualTo(Cli.allCommands());
    }
    for (List<String> allOfApi : List.<List<String>>of(List.of("api"), List.of("api", "--help"), List.of("api", "-e"),
        List.of("api", "-ne", "http://h", "agents"), List.of("api", "agent", "list"), List.of("api", "--endpoint", "x"))) {
      assertThat(Cli.commandsFor(allOfApi.toArray(String[]::new))).as(String.join(" ", allOfApi))
          .containsExactly(ApiCommand.class, ApiAgentsCommand.class, ApiSessionsCommand.class);
    }
  }

  @Test
  void bothParsersGiveTheSameResults() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0)) {
      dead = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + dead;
    for (List<String> args : List.of(List.of("api"), List.of("api", "--help"), List.of("api", "sessions", "--help"),
        List.of("api", "sessions", "create", "--help"), List.of("api", "sesions", "list"), List.of("api", "sessions"),
        List.of("api", "sessions", "create", "s1"), List.of("api", "sessions", "list", "--bogus"),
        List.of("api", "agents", "lst"), List.of("api", "-e", endpoint, "agents", "modes"),
        List.of("api", "-e", "notaurl", "agents", "list"), List.of("-t", "x", "api", "-n", "agents", "list"),
        List.of("--token", "x", "api", "-e", endpoint, "agents", "list"),
        List.of("api", "-e", endpoint, "sessions", "reply-permission", "s", "p", "-r", "maybe"),
        List.of("server", "--help"), List.of("server", "-p", "x"), List.of("server", "-Cn", "--port"),
        List.of("install-agent", "--help"), List.of("install-agent"), List.of("credentials", "--help"),
        List.of("credentials", "extract", "--bogus"), List.of("hash-token", "--help"), List.of("hash-token", "x"),
        List.of("-n", "hash-token", "-V"))) {
      String[] line = args.toArray(String[]::new);
      Set<Class<?>> chosen = Cli.commandsFor(line);
      assertThat(chosen).as(String.join(" ", args)).hasSizeLessThan(Cli.allCommands().size());
      assertThat(run(line, chosen)).as(String.join(" ", args)).isEqualTo(run(line, Cli.allCommands()));
    }
  }

  private static CliRuns.Run run(String[] args, Set<Class<?>> commands) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandContext context = new CommandContext(Map.of(), InputStream.nullInputStream(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = Cli.commandLine(new Cli(context), context, new Cli.Factory(context), commands).execute(args);
    return new CliRuns.Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
