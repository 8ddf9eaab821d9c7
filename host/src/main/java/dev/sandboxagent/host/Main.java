package dev.sandboxagent.host;

import dev.sandboxagent.host.cli.Cli;

/** {@code sandbox-agent}: the entry point of the daemon's command line (see {@link Cli}). */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    Cli.main(args);
  }
}
