package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.client.ApiCommand;
import dev.sandboxagent.host.credentials.CredentialsCommand;
import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.export.PostgresSink;
import dev.sandboxagent.host.http.CorsConfig;
import dev.sandboxagent.host.install.ArchiveLimits;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.install.NpmRegistry;
import dev.sandboxagent.host.store.StoreException;
import dev.sandboxagent.host.tenant.Tenants;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code sandbox-agent}: the command line of the reference daemon. {@code server} runs the HTTP
 * daemon until SIGINT or SIGTERM.
 */
public final class Cli {

  /** The system property through which {@code --acp-agents} reaches the ACP plugin. */
  static final String ACP_AGENTS_PROPERTY = "sandbox-agent.acp-agents";
  /** Held so that its level stays: the plugin framework's per-plugin lines repeat what the registry logs. */
  private static final Logger PF4J_LOG = Logger.getLogger("org.pf4j");

  static {
    PF4J_LOG.setLevel(Level.WARNING);
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      UtcLogFormatter.install();
    }
  }

  private static final String USAGE = """
      Usage: sandbox-agent [-t|--token <TOKEN> | --token-file <FILE> | -n|--no-token] <COMMAND>

      Commands:
        server          run the HTTP daemon
        install-agent   install or reinstall an agent's program (no daemon needed)
        api             HTTP client for a running daemon (api agents|sessions …, see api --help)
        credentials     show locally discovered agent credentials (extract | extract-env)
        hash-token      read a token on stdin, print its stored form for a tenants file

      Options:
        -t, --token <TOKEN>      require this bearer token (visible to local users: prefer the two below)
            --token-file <FILE>  read the token from this file (one line)
                                 [the token may also come from env SANDBOX_TOKEN; a flag wins over it]
        -n, --no-token           disable authentication
        -h, --help               print help
        -V, --version            print version

      server options:
        -H, --host <HOST>                  bind address [default: 127.0.0.1]
        -p, --port <PORT>                  TCP port [default: 2468]
        -O, --cors-allow-origin <ORIGIN>   allowed CORS origin (repeatable)
        -M, --cors-allow-method <METHOD>   allowed CORS method (repeatable)
        -A, --cors-allow-header <HEADER>   allowed CORS request header (repeatable)
        -C, --cors-allow-credentials       send Access-Control-Allow-Credentials
            --no-telemetry                 accepted for compatibility; no telemetry is ever sent
            --plugins-dir <DIR>            plugin JARs [env SANDBOX_AGENT_PLUGINS_DIR; default: plugins/ of the installation]
            --install-dir <DIR>            agent programs [env SANDBOX_AGENT_INSTALL_DIR; default: <data dir>/sandbox-agent/bin]
            --max-body-size <BYTES>        largest request body [default: 10485760]
            --header-timeout <SECONDS>     longest wait for a request's headers after its request line [default: 10]
            --idle-timeout <SECONDS>       close a connection without a request in progress, or whose request body
                                           stops arriving, after this long [default: 60]
            --tenants <FILE>               tenants file: tokens (hashed), agent sets, limits, environment
                                           [env SANDBOX_AGENT_TENANTS]; --token then names the administrator
            --data-dir <DIR>               where sessions and events are stored [env SANDBOX_AGENT_DATA_DIR;
                                           default: $XDG_DATA_HOME/sandbox-agent or ~/.local/share/sandbox-agent]
            --ephemeral                    keep sessions and events in memory only
            --retention <DURATION>         remove ended sessions this long after their end (7d, 12h, 30m, PT12H)
                                           [env SANDBOX_AGENT_RETENTION; default: keep until deleted]
            --event-sink <URL>             export sessions and events to PostgreSQL: postgresql://user@host/db
                                           [env SANDBOX_AGENT_EVENT_SINK, which keeps a password off the command line]
            --log-level <LEVEL>            error, warn, info, debug or trace [env SANDBOX_AGENT_LOG_LEVEL; default: info]
            --log-format <FORMAT>          text, or json: one object a line with time (UTC), level, logger, message
                                           and error [env SANDBOX_AGENT_LOG_FORMAT; default: text]

      install options (server and install-agent):
            --acp-agents <DIR>             more ACP agents: one JSON entry file each [env SANDBOX_AGENT_ACP_AGENTS]
            --install-dir <DIR>            agent programs [env SANDBOX_AGENT_INSTALL_DIR; default: <data dir>/sandbox-agent/bin]
            --install-sources <LIST>       sources to try, in order [env SANDBOX_AGENT_INSTALL_SOURCES; default: local,npm,vendor]
            --agent-archive <AGENT>=<PATH> install AGENT from this archive, directory or program (offline; repeatable)
                                           [env SANDBOX_AGENT_ARCHIVE_<AGENT>]
            --agent-bin <AGENT>=<PATH>     run this program for AGENT instead of looking for one (repeatable)
                                           [env SANDBOX_AGENT_BIN_<AGENT>]
            --npm-registry <URL>           npm registry [env SANDBOX_AGENT_NPM_REGISTRY, npm_config_registry, ~/.npmrc;
                                           default: https://registry.npmjs.org/]
            --max-archive-size <BYTES>     most bytes one archive may write when extracted
                                           [env SANDBOX_AGENT_MAX_ARCHIVE_SIZE; default: 2147483648]
            --max-archive-entries <N>      most entries one archive may have [env SANDBOX_AGENT_MAX_ARCHIVE_ENTRIES;
                                           default: 100000]

      install-agent <AGENT> [options]:
        -r, --reinstall                    download even if the program is already there
        -A, --agent-version <VERSION>      version or npm dist-tag to install [default: latest]
      """;

  private Cli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String client = clientCommand(args);
    if (client != null) {
      return runClient(client, args, env, out, err);
    }
    ParsedArgs parsed;
    try {
      parsed = ParsedArgs.parse(args);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.print(USAGE);
      return 2;
    }
    if (parsed.help) {
      out.print(USAGE);
      return 0;
    }
    if (parsed.version) {
      out.println("sandbox-agent " + version());
      return 0;
    }
    if (parsed.command == null) {
      err.println("error=\"missing command: run `sandbox-agent server` to start the server\"");
      return 1;
    }
    return switch (parsed.command) {
      case "server" -> server(parsed, env, err);
      case "hash-token" -> hashToken(System.in, out, err);
      case "install-agent" -> InstallAgentCommand.run(parsed, err);
      case "aot-training" -> AotTraining.run(parsed, err);
      default -> {
        err.println("error=\"unknown command: " + parsed.command + "\"");
        yield 2;
      }
    };
  }

  /** {@code api} and {@code credentials} have their own flags: only the global token flags are shared. */
  private static String clientCommand(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-t") || arg.equals("--token") || arg.equals("--token-file")) {
        i++;
      } else if (!arg.startsWith("-")) {
        return arg.equals("api") || arg.equals("credentials") ? arg : null;
      }
    }
    return null;
  }

  private static int runClient(String command, String[] args, Map<String, String> env, PrintStream out,
      PrintStream err) {
    List<String> rest = new ArrayList<>();
    String token = null;
    String tokenFile = null;
    boolean noToken = false;
    boolean seenCommand = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("-t") || arg.equals("--token") || arg.equals("--token-file")) {
        if (i + 1 >= args.length) {
          err.println("error: a value is required for '" + arg + "'");
          return 2;
        }
        if (arg.equals("--token-file")) {
          tokenFile = args[++i];
        } else {
          token = args[++i];
        }
      } else if (arg.startsWith("--token=")) {
        token = arg.substring("--token=".length());
      } else if (arg.startsWith("--token-file=")) {
        tokenFile = arg.substring("--token-file=".length());
      } else if (arg.equals("-n") || arg.equals("--no-token")) {
        noToken = true;
      } else if (!seenCommand && arg.equals(command)) {
        seenCommand = true;
      } else {
        rest.add(arg);
      }
    }
    if (!command.equals("api")) {
      return CredentialsCommand.run(rest, out, err, pluginsDirectory(null, env).toAbsolutePath());
    }
    String sent;
    try {
      TokenOptions.checkExclusive(token, tokenFile, noToken);
      sent = TokenOptions.resolve(token, tokenFile, noToken, env);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("error=\"" + e.getMessage() + "\"");
      return 1;
    }
    return ApiCommand.run(rest, sent, sent == null, out, err);
  }

  /**
   * Where plugin JARs are loaded from: {@code flag} ({@code --plugins-dir}), else {@code
   * SANDBOX_AGENT_PLUGINS_DIR}, else {@code plugins/} of the installation (or of the working
   * directory).
   */
  static Path pluginsDirectory(String flag, Map<String, String> env) {
    String home = System.getProperty("sandbox.agent.home");
    String plugins = flag != null ? flag : env.get("SANDBOX_AGENT_PLUGINS_DIR");
    return plugins != null && !plugins.isBlank()
        ? Path.of(plugins)
        : (home != null ? Path.of(home, "plugins") : Path.of("plugins"));
  }

  private static int server(ParsedArgs a, Map<String, String> env, PrintStream err) {
    if (!a.positionals.isEmpty()) {
      err.println("error: unexpected argument '" + a.positionals.get(0) + "'");
      return 2;
    }
    HostConfig config;
    try {
      LogSettings.of(a.logLevel, a.logFormat, env).apply();
      config = a.toConfig(true, env);
      config.cors().validate();
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("error=\"" + e.getMessage() + "\"");
      return 1;
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(config);
    } catch (UncheckedIOException | StoreException e) {
      err.println("error=\"" + e.getMessage() + "\"");
      return 1;
    } catch (RuntimeException e) {
      err.println("error=\"failed to start server on " + config.host() + ":" + config.port() + ": " + e.getMessage() + "\"");
      return 1;
    }
    // SIGINT and SIGTERM run the shutdown hooks: stop every agent and stream, then end with status 0
    // as the reference does on Ctrl-C (the JVM's own status for a signal would be 130 or 143).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      Runtime.getRuntime().halt(0);
    }, "shutdown"));
    String shown = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
    System.getLogger("dev.sandboxagent").log(System.Logger.Level.INFO,
        "server listening on {0}:{1,number,#} (auth {2}); inspector: http://{3}:{1,number,#}/ui/",
        config.host(), daemon.port(), auth(config), shown);
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    daemon.close();
    return 0;
  }

  /**
   * {@code hash-token}: the stored form of the token on the first line of standard input, so that
   * tokens never appear in a command line, a shell history or the tenants file.
   */
  static int hashToken(InputStream in, PrintStream out, PrintStream err) {
    String token;
    try {
      token = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .readLine();
    } catch (IOException e) {
      err.println("error=\"cannot read the token: " + e.getMessage() + "\"");
      return 1;
    }
    if (token == null || token.strip().isEmpty()) {
      err.println("error=\"no token on standard input\"");
      return 1;
    }
    out.println(Tenants.hash(token.strip()));
    return 0;
  }

  private static String auth(HostConfig config) {
    int tenants = config.tenants().tenants().size();
    if (tenants > 0) {
      return "on, " + tenants + (tenants == 1 ? " tenant" : " tenants");
    }
    return config.token() == null ? "off" : "on";
  }

  static String version() {
    try (InputStream in = Cli.class.getResourceAsStream("/dev/sandboxagent/host/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The parsed command line. */
  static final class ParsedArgs {
    String command;
    boolean help;
    boolean version;
    String token;
    String tokenFile;
    boolean noToken;
    String host = "127.0.0.1";
    int port = 2468;
    final List<String> origins = new ArrayList<>();
    final List<String> methods = new ArrayList<>();
    final List<String> headers = new ArrayList<>();
    boolean credentials;
    String pluginsDir;
    String installDir;
    String acpAgents;
    String logLevel;
    String logFormat;
    String tenantsFile;
    String dataDir;
    boolean ephemeral;
    Duration retention;
    String eventSink;
    long maxBodyBytes = HostConfig.DEFAULT_MAX_BODY_BYTES;
    Duration headerTimeout = HostConfig.DEFAULT_HEADER_TIMEOUT;
    Duration idleTimeout = HostConfig.DEFAULT_IDLE_TIMEOUT;
    final List<String> positionals = new ArrayList<>();
    boolean reinstall;
    String agentVersion;
    String installSources;
    String npmRegistry;
    Long maxArchiveSize;
    Long maxArchiveEntries;
    final Map<String, Path> archives = new LinkedHashMap<>();
    final Map<String, Path> binaries = new LinkedHashMap<>();

    static ParsedArgs parse(String[] args) {
      ParsedArgs a = new ParsedArgs();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String inline = null;
        if (arg.startsWith("--") && arg.contains("=")) {
          inline = arg.substring(arg.indexOf('=') + 1);
          arg = arg.substring(0, arg.indexOf('='));
        }
        switch (arg) {
          case "-h", "--help" -> a.help = true;
          case "-V", "--version" -> a.version = true;
          case "-n", "--no-token" -> a.noToken = true;
          case "-C", "--cors-allow-credentials" -> a.credentials = true;
          case "--no-telemetry" -> { }
          case "-t", "--token" -> a.token = value(args, ++i, arg, inline);
          case "--token-file" -> a.tokenFile = value(args, ++i, arg, inline);
          case "-H", "--host" -> a.host = value(args, ++i, arg, inline);
          case "-p", "--port" -> a.port = port(value(args, ++i, arg, inline));
          case "-O", "--cors-allow-origin" -> a.origins.add(value(args, ++i, arg, inline));
          case "-M", "--cors-allow-method" -> a.methods.add(value(args, ++i, arg, inline));
          case "--plugins-dir" -> a.pluginsDir = value(args, ++i, arg, inline);
          case "--install-dir" -> a.installDir = value(args, ++i, arg, inline);
          case "--acp-agents" -> a.acpAgents = value(args, ++i, arg, inline);
          case "--tenants" -> a.tenantsFile = value(args, ++i, arg, inline);
          case "--data-dir" -> a.dataDir = value(args, ++i, arg, inline);
          case "--ephemeral" -> a.ephemeral = true;
          case "--retention" -> a.retention = duration(value(args, ++i, arg, inline), arg);
          case "--event-sink" -> a.eventSink = value(args, ++i, arg, inline);
          case "--log-level" -> a.logLevel = value(args, ++i, arg, inline);
          case "--log-format" -> a.logFormat = value(args, ++i, arg, inline);
          case "--max-body-size" -> a.maxBodyBytes = positiveLong(value(args, ++i, arg, inline), arg);
          case "--header-timeout" -> a.headerTimeout = seconds(value(args, ++i, arg, inline), arg);
          case "--idle-timeout" -> a.idleTimeout = seconds(value(args, ++i, arg, inline), arg);
          case "-r", "--reinstall" -> a.reinstall = true;
          case "-A", "--agent-version", "--cors-allow-header" -> {
            // -A is --cors-allow-header for server and --agent-version for install-agent
            String v = value(args, ++i, arg, inline);
            if (arg.equals("--agent-version") || (arg.equals("-A") && "install-agent".equals(a.command))) {
              a.agentVersion = v;
            } else {
              a.headers.add(v);
            }
          }
          case "--install-sources" -> a.installSources = value(args, ++i, arg, inline);
          case "--npm-registry" -> a.npmRegistry = value(args, ++i, arg, inline);
          case "--agent-archive" -> agentPath(value(args, ++i, arg, inline), a.archives, arg);
          case "--agent-bin" -> agentPath(value(args, ++i, arg, inline), a.binaries, arg);
          case "--max-archive-size" -> a.maxArchiveSize = positiveLong(value(args, ++i, arg, inline), arg);
          case "--max-archive-entries" -> a.maxArchiveEntries = (long) positiveInt(value(args, ++i, arg, inline), arg);
          default -> {
            if (arg.startsWith("-")) {
              throw new UsageException("unexpected argument '" + arg + "'");
            }
            if (a.command == null) {
              a.command = arg;
            } else {
              a.positionals.add(arg);
            }
          }
        }
        if (inline != null && (arg.equals("--no-token") || arg.equals("--help") || arg.equals("--reinstall"))) {
          throw new UsageException("unexpected value for '" + arg + "'");
        }
        if (inline != null) {
          i--;
        }
      }
      TokenOptions.checkExclusive(a.token, a.tokenFile, a.noToken);
      return a;
    }

    private static String value(String[] args, int i, String flag, String inline) {
      if (inline != null) {
        return inline;
      }
      if (i >= args.length) {
        throw new UsageException("a value is required for '" + flag + "'");
      }
      return args[i];
    }

    private static void agentPath(String value, Map<String, Path> into, String flag) {
      try {
        InstallSettings.parseAgentPath(value, into, flag);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }

    private static int port(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new UsageException("invalid value '" + value + "' for '--port <PORT>': not a port number");
      }
    }

    private static long positiveLong(String value, String flag) {
      try {
        long v = Long.parseLong(value);
        if (v < 1) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        throw new UsageException("invalid value '" + value + "' for '" + flag + "'");
      }
    }

    private static int positiveInt(String value, String flag) {
      long v = positiveLong(value, flag);
      if (v > Integer.MAX_VALUE) {
        throw new UsageException("invalid value '" + value + "' for '" + flag + "'");
      }
      return (int) v;
    }

    private static Duration seconds(String value, String flag) {
      return Duration.ofSeconds(positiveLong(value, flag));
    }

    private static Duration duration(String value, String flag) {
      try {
        return HostConfig.parseDuration(value);
      } catch (IllegalArgumentException e) {
        throw new UsageException("invalid value for '" + flag + "': " + e.getMessage());
      }
    }

    /** The configuration; {@code server} requires a token decision. */
    HostConfig toConfig(boolean server) {
      return toConfig(server, System.getenv());
    }

    /** The configuration, with the token from {@code env} when no flag gives one. */
    HostConfig toConfig(boolean server, Map<String, String> env) {
      String tenantsPath = tenantsFile != null ? tenantsFile : env.get("SANDBOX_AGENT_TENANTS");
      Tenants tenants = Tenants.none();
      if (server && tenantsPath != null && !tenantsPath.isBlank()) {
        if (noToken) {
          throw new IllegalArgumentException("--no-token cannot be combined with a tenants file");
        }
        tenants = Tenants.load(Path.of(tenantsPath), new ObjectMapper());
      }
      String effectiveToken = server ? TokenOptions.resolve(token, tokenFile, noToken, env) : null;
      if (effectiveToken == null && !noToken && server && tenants.isEmpty()) {
        throw new IllegalArgumentException(
            "missing --token or --no-token for server mode (or a token from --token-file or SANDBOX_TOKEN)");
      }
      Path pluginsPath = pluginsDirectory(pluginsDir, env);
      if (acpAgents != null) {
        // read by the ACP plugin when it loads, before its environment variable
        System.setProperty(ACP_AGENTS_PROPERTY, Path.of(acpAgents).toAbsolutePath().toString());
      }
      String install = installDir != null ? installDir : env.get("SANDBOX_AGENT_INSTALL_DIR");
      Path defaultInstall = HostConfig.defaultInstallDirectory(env);
      Path installPath = install != null && !install.isBlank() ? Path.of(install) : defaultInstall;
      CorsConfig cors = new CorsConfig(origins, methods, headers, credentials);
      return new HostConfig(host, port, effectiveToken, cors, pluginsPath.toAbsolutePath(), installPath.toAbsolutePath(),
          defaultInstall, maxBodyBytes, HostConfig.DEFAULT_KEEP_ALIVE, Path.of("").toAbsolutePath(),
          installSettings(env), tenants, headerTimeout, idleTimeout,
          server ? dataDirectory(env) : null, server ? retention(env) : null, server ? eventSink(env) : null);
    }

    /** Where sessions and events are exported: the flag, else {@code SANDBOX_AGENT_EVENT_SINK}, else nowhere. */
    URI eventSink(Map<String, String> env) {
      String value = eventSink != null ? eventSink : env.get("SANDBOX_AGENT_EVENT_SINK");
      if (value == null || value.isBlank()) {
        return null;
      }
      URI uri;
      try {
        uri = new URI(value.strip());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid event sink URL: " + e.getReason());
      }
      PostgresSink.parse(uri);
      return uri;
    }

    /** How long ended sessions are kept: the flag, else {@code SANDBOX_AGENT_RETENTION}, else null (until deleted). */
    Duration retention(Map<String, String> env) {
      if (retention != null) {
        return retention;
      }
      String value = env.get("SANDBOX_AGENT_RETENTION");
      if (value == null || value.isBlank()) {
        return null;
      }
      try {
        return HostConfig.parseDuration(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid SANDBOX_AGENT_RETENTION: " + e.getMessage());
      }
    }

    /** Where sessions are stored: null with {@code --ephemeral}; the flag wins over the environment. */
    Path dataDirectory(Map<String, String> env) {
      if (ephemeral) {
        if (dataDir != null) {
          throw new UsageException("'--ephemeral' cannot be used with '--data-dir'");
        }
        return null;
      }
      String dir = dataDir != null ? dataDir : env.get("SANDBOX_AGENT_DATA_DIR");
      if (dir != null && dir.isBlank()) {
        throw new IllegalArgumentException("the data directory must not be empty");
      }
      return (dir != null ? Path.of(dir) : HostConfig.dataDirectory(env)).toAbsolutePath();
    }

    /** Flags win over environment variables; the npm registry falls back to the user's npm configuration. */
    InstallSettings installSettings(Map<String, String> env) {
      String sources = installSources != null ? installSources : env.get("SANDBOX_AGENT_INSTALL_SOURCES");
      List<InstallSettings.SourceKind> order =
          sources == null || sources.isBlank() ? InstallSettings.DEFAULT_ORDER : InstallSettings.parseSources(sources);
      Map<String, Path> allArchives = new LinkedHashMap<>(InstallSettings.fromEnvironment(env, "ARCHIVE"));
      allArchives.putAll(archives);
      Map<String, Path> allBinaries = new LinkedHashMap<>(InstallSettings.fromEnvironment(env, "BIN"));
      allBinaries.putAll(binaries);
      String registry = npmRegistry != null ? npmRegistry : env.get("SANDBOX_AGENT_NPM_REGISTRY");
      String home = System.getProperty("user.home");
      URI uri;
      try {
        uri = NpmRegistry.configured(registry, env, home == null ? null : Path.of(home));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid npm registry URL: " + registry);
      }
      return new InstallSettings(order, allArchives, allBinaries, uri, archiveLimits(env));
    }

    /** Flags win over environment variables; each bound falls back to its default on its own. */
    ArchiveLimits archiveLimits(Map<String, String> env) {
      long bytes = limit(maxArchiveSize, env, "SANDBOX_AGENT_MAX_ARCHIVE_SIZE", ArchiveLimits.DEFAULT_MAX_BYTES,
          Long.MAX_VALUE);
      long count = limit(maxArchiveEntries, env, "SANDBOX_AGENT_MAX_ARCHIVE_ENTRIES",
          ArchiveLimits.DEFAULT_MAX_ENTRIES, Integer.MAX_VALUE);
      return new ArchiveLimits(bytes, (int) count);
    }

    private static long limit(Long flag, Map<String, String> env, String variable, long fallback, long max) {
      if (flag != null) {
        return flag;
      }
      String value = env.get(variable);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        long v = Long.parseLong(value.strip());
        if (v >= 1 && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("invalid value '" + value + "' for " + variable + ": expected a positive number");
    }
  }
}
