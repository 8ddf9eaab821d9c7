package dev.sandboxagent.host.cli;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a well-formed {@code server} command line straight into {@link ServerCommand}, so that the
 * daemon's start does not wait for the parser: the parser's classes are of a class-file version the
 * JDK's AOT cache cannot hold, and building its model from the annotations (annotation proxies, the
 * parser's own code run cold) costs a start several times more than the rest of the command line.
 * This is not a second grammar: it knows the server's options by the names and converters the
 * annotated fields declare ({@code ServerFastPathTest} holds the two together), and any argument it
 * does not read plainly — help, an unknown or repeated option, a bad value, clustered short options —
 * leaves the whole command line to the parser, which reports it.
 */
final class ServerFastPath {

  private ServerFastPath() {}

  /**
   * The server command with its options set, when {@code args} is a {@code server} command line of
   * plain options (values given as {@code --name value} or {@code --name=value}); else empty.
   */
  static Optional<ServerCommand> parse(String[] args, CommandContext context) {
    Cli cli = new Cli(context);
    ServerCommand server = new ServerCommand(context);
    server.cli = cli;
    Set<String> given = new HashSet<>();
    boolean command = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!command && arg.equals("server")) {
        command = true;
        continue;
      }
      int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
      String name = longName(eq > 0 ? arg.substring(0, eq) : arg);
      boolean global = name.equals("--token") || name.equals("--token-file") || name.equals("--no-token");
      if (name.isEmpty() || !command && !global || !given.add(name) && !repeatable(name)) {
        return Optional.empty();
      }
      boolean flag = name.equals("--no-token") || name.equals("--cors-allow-credentials")
          || name.equals("--no-telemetry") || name.equals("--ephemeral") || name.equals("--access-log");
      String value = null;
      if (flag) {
        if (eq > 0) {
          return Optional.empty();
        }
      } else if (eq > 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return Optional.empty();
      }
      try {
        set(cli, server, name, value);
      } catch (RuntimeException e) {
        // a bad value: the parser says what is wrong with it
        return Optional.empty();
      }
    }
    return command ? Optional.of(server) : Optional.empty();
  }

  /** The long name of a server or token option, or "" for anything else. */
  static String longName(String name) {
    return switch (name) {
      case "-t" -> "--token";
      case "-n" -> "--no-token";
      case "-H" -> "--host";
      case "-p" -> "--port";
      case "-O" -> "--cors-allow-origin";
      case "-M" -> "--cors-allow-method";
      case "-A" -> "--cors-allow-header";
      case "-C" -> "--cors-allow-credentials";
      case "--token", "--token-file", "--no-token", "--host", "--port", "--cors-allow-origin", "--cors-allow-method",
          "--cors-allow-header", "--cors-allow-credentials", "--no-telemetry", "--max-body-size", "--header-timeout",
          "--idle-timeout", "--tenants", "--data-dir", "--ephemeral", "--retention", "--event-sink", "--log-level",
          "--log-format", "--access-log", "--plugins-dir", "--install-dir", "--acp-agents", "--install-sources", "--agent-archive",
          "--agent-bin", "--npm-registry", "--max-archive-size", "--max-archive-entries" -> name;
      default -> "";
    };
  }

  private static boolean repeatable(String name) {
    return switch (name) {
      case "--cors-allow-origin", "--cors-allow-method", "--cors-allow-header", "--agent-archive", "--agent-bin" -> true;
      default -> false;
    };
  }

  /** Sets the option as the parser would, with the converter its field declares. */
  private static void set(Cli cli, ServerCommand server, String name, String value) {
    InstallOptions install = server.install;
    switch (name) {
      case "--token" -> cli.token = value;
      case "--token-file" -> cli.tokenFile = value;
      case "--no-token" -> cli.noToken = true;
      case "--host" -> server.host = value;
      case "--port" -> server.port = new Converters.Port().convert(value);
      case "--cors-allow-origin" -> server.origins.add(value);
      case "--cors-allow-method" -> server.methods.add(value);
      case "--cors-allow-header" -> server.headers.add(value);
      case "--cors-allow-credentials" -> server.credentials = true;
      case "--no-telemetry" -> server.noTelemetry = true;
      case "--max-body-size" -> server.maxBodyBytes = new Converters.PositiveLong().convert(value);
      case "--header-timeout" -> server.headerTimeout = new Converters.Seconds().convert(value);
      case "--idle-timeout" -> server.idleTimeout = new Converters.Seconds().convert(value);
      case "--tenants" -> server.tenantsFile = value;
      case "--data-dir" -> server.dataDir = value;
      case "--ephemeral" -> server.ephemeral = true;
      case "--retention" -> server.retention = new Converters.Span().convert(value);
      case "--event-sink" -> server.eventSink = value;
      case "--log-level" -> server.logLevel = value;
      case "--log-format" -> server.logFormat = value;
      case "--access-log" -> server.accessLog = true;
      case "--plugins-dir" -> install.pluginsDir = value;
      case "--install-dir" -> install.installDir = value;
      case "--acp-agents" -> install.acpAgents = value;
      case "--install-sources" -> install.installSources = new Converters.Sources().convert(value);
      case "--agent-archive" -> install.archives.add(new Converters.AgentPath().convert(value));
      case "--agent-bin" -> install.binaries.add(new Converters.AgentPath().convert(value));
      case "--npm-registry" -> install.npmRegistry = value;
      case "--max-archive-size" -> install.maxArchiveSize = new Converters.PositiveLong().convert(value);
      case "--max-archive-entries" -> install.maxArchiveEntries = new Converters.PositiveInt().convert(value);
      default -> throw new IllegalArgumentException(name);
    }
  }
}
