package dev.sandboxagent.host.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command reads and writes besides its arguments: the environment (for the variables that
 * stand in for flags), standard input, and the streams for results and diagnostics.
 *
 * @param env the environment variables
 * @param in standard input
 * @param out where results go
 * @param err where diagnostics go
 */
record CommandContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {

  CommandContext {
    env = Map.copyOf(env);
  }
}
