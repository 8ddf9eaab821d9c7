package dev.sandboxagent.host.cli;

import dev.sandboxagent.host.tenant.Tenants;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code sandbox-agent hash-token}: the stored form of the token on the first line of standard
 * input, so that tokens never appear in a command line, a shell history or the tenants file.
 */
@Command(name = "hash-token",
    description = "Read a token on the first line of standard input and print its stored form (sha256:<hex>) "
        + "for a tenants file.",
    footerHeading = "%nExit status: 0 printed, 1 no token on standard input, 2 usage error.%n",
    footer = "Example: printf '%%s\\n' \"$TOKEN\" | sandbox-agent hash-token")
final class HashTokenCommand implements Callable<Integer> {

  private final CommandContext context;

  HashTokenCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String token;
    try {
      token = new BufferedReader(new InputStreamReader(context.in(), StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token: " + e.getMessage(), e);
    }
    if (token == null || token.strip().isEmpty()) {
      throw new IllegalArgumentException("no token on standard input");
    }
    context.out().println(Tenants.hash(token.strip()));
    return 0;
  }
}
