package dev.sandboxagent.host.cli;

import dev.sandboxagent.host.daemon.HostConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** Runs the command line in-process, or parses a {@code server} command line into its configuration. */
final class CliRuns {

  private CliRuns() {}

  /** What a run printed and its exit status. */
  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    return runWithInput(env, "", args);
  }

  static Run runWithInput(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Cli.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The configuration {@code server} would start with, without starting it. */
  static HostConfig serverConfig(Map<String, String> env, String... args) {
    CommandContext context = new CommandContext(env, ByteArrayInputStream.nullInputStream(), System.out, System.err);
    Cli cli = new Cli(context);
    CommandLine line = Cli.commandLine(cli, context);
    ParseResult parsed = line.parseArgs(args);
    ServerCommand server = (ServerCommand) parsed.subcommand().commandSpec().userObject();
    return server.toConfig(cli.token(), cli.noToken(), env);
  }
}
