package dev.sandboxagent.host.cli;

import java.io.PrintStream;

/** How the client commands report problems on stderr, in the same form as the rest of the command line. */
final class Diagnostics {

  private Diagnostics() {}

  /** A runtime error: one {@code error="..."} line; returns exit status 1. */
  static int fail(PrintStream err, String message) {
    err.println("error=\"" + escape(message) + "\"");
    return 1;
  }

  /** A command-line mistake: the message, a blank line and the usage; returns exit status 2. */
  static int usage(PrintStream err, String message, String usage) {
    err.println("error: " + message);
    err.println();
    err.print(usage);
    return 2;
  }

  /** Keeps the error line one line long and its quotes balanced. */
  static String escape(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
