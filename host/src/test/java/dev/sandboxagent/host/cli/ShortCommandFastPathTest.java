package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --version} and {@code hash-token} alone are run without the parser, with the parser's results. */
class ShortCommandFastPathTest {

  private static CommandContext context(InputStream in) {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    return new CommandContext(Map.of(), in, discard, discard);
  }

  @Test
  void theNamesAreTheParsers() {
    CommandContext context = context(InputStream.nullInputStream());
    CommandLine line = Cli.commandLine(new Cli(context), context);
    Set<String> version = line.getCommandSpec().options().stream().filter(OptionSpec::versionHelp)
        .flatMap(o -> List.of(o.names()).stream()).collect(Collectors.toSet());
    assertThat(version).isEqualTo(ShortCommandFastPath.VERSION);
    CommandLine hash = line.getSubcommands().get(ShortCommandFastPath.HASH_TOKEN);
    assertThat(hash).isNotNull();
    assertThat(hash.getCommand().getClass()).isEqualTo(HashTokenCommand.class);
    assertThat(hash.getCommandSpec().positionalParameters()).isEmpty();
  }

  @Test
  void theResultsAreTheParsers() {
    for (List<String> args : List.of(List.of("--version"), List.of("-V"), List.of("hash-token"))) {
      for (String stdin : List.of("s3cret\n", "  padded token \r\n", "", "\n", "   \nsecond\n", "ünïcødé")) {
        String[] line = args.toArray(String[]::new);
        CliRuns.Run fast = CliRuns.runWithInput(Map.of(), stdin, line);
        CliRuns.Run parsed = parse(stdin, line);
        assertThat(fast).as(args + " <<< " + stdin).isEqualTo(parsed);
      }
    }
    assertThat(parse("t\n", "hash-token").out()).startsWith("sha256:");
    assertThat(parse("", "hash-token").exit()).isEqualTo(1);
  }

  @Test
  void anythingElseIsLeftToTheParser() {
    assertThat(ShortCommandFastPath.run(new String[] {"--version"}, context(InputStream.nullInputStream())))
        .isPresent();
    for (List<String> line : List.<List<String>>of(List.of(), List.of("--version", "server"), List.of("-V", "-V"),
        List.of("-Vh"), List.of("--version=1"), List.of("version"), List.of("hash-token", "--help"),
        List.of("hash-token", "-n"), List.of("-n", "hash-token"), List.of("hash-token", "extra"), List.of("--help"),
        List.of("hash-tokens"), List.of("server"))) {
      assertThat(ShortCommandFastPath.run(line.toArray(String[]::new), context(InputStream.nullInputStream())))
          .as(String.join(" ", line)).isEmpty();
    }
  }

  /** The parser's run of {@code args}. */
  private static CliRuns.Run parse(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandContext context = new CommandContext(Map.of(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = Cli.commandLine(new Cli(context), context).execute(args);
    return new CliRuns.Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
