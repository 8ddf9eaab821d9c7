package dev.sandboxagent.host.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Runs {@code --version} and {@code hash-token}, each given alone, without the parser: building its
 * model from the annotations of every command costs a short command several times what the command
 * does. The output, diagnostics and exit status are the parser's ({@code ShortCommandFastPathTest}
 * holds the names and the results to the parser's); anything else — another argument, an option,
 * help — leaves the command line to the parser.
 */
final class ShortCommandFastPath {

  /** The names of the version option, as the parser declares them. */
  static final Set<String> VERSION = Set.of("-V", "--version");

  /** The name of the command that hashes a token. */
  static final String HASH_TOKEN = "hash-token";

  private ShortCommandFastPath() {}

  /** The exit status of {@code args} run here, or empty when they are not one of these commands alone. */
  static OptionalInt run(String[] args, CommandContext context) {
    if (args.length != 1) {
      return OptionalInt.empty();
    }
    if (VERSION.contains(args[0])) {
      context.out().println("sandbox-agent " + Cli.version());
      context.out().flush();
      return OptionalInt.of(0);
    }
    if (args[0].equals(HASH_TOKEN)) {
      try {
        return OptionalInt.of(new HashTokenCommand(context).call());
      } catch (RuntimeException e) {
        return OptionalInt.of(Cli.report(e, "sandbox-agent " + HASH_TOKEN,
            new PrintWriter(context.err(), true, StandardCharsets.UTF_8)));
      }
    }
    return OptionalInt.empty();
  }
}
