package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.export.PostgresSink;
import dev.sandboxagent.host.http.CorsConfig;
import dev.sandboxagent.host.store.StoreException;
import dev.sandboxagent.host.tenant.Tenants;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sandbox-agent server}: runs the HTTP daemon until SIGINT or SIGTERM. */
@Command(name = "server", description = "Run the HTTP daemon until SIGINT or SIGTERM.",
    footerHeading = "%nExit status: 0 after SIGINT or SIGTERM, 1 when the daemon cannot start, 2 usage error.%n",
    footer = "A token choice is required: --token, --token-file, SANDBOX_TOKEN, a tenants file, or --no-token.")
final class ServerCommand implements Callable<Integer> {

  @ParentCommand Cli cli;

  @Option(names = {"-H", "--host"}, paramLabel = "<HOST>", order = 1, description = "bind address [default: 127.0.0.1]")
  String host = "127.0.0.1";

  @Option(names = {"-p", "--port"}, paramLabel = "<PORT>", order = 2, converter = Converters.Port.class,
      description = "TCP port [default: 2468]")
  int port = 2468;

  @Option(names = {"-O", "--cors-allow-origin"}, paramLabel = "<ORIGIN>", order = 10,
      description = "allowed CORS origin (repeatable)")
  List<String> origins = new ArrayList<>();

  @Option(names = {"-M", "--cors-allow-method"}, paramLabel = "<METHOD>", order = 11,
      description = "allowed CORS method (repeatable)")
  List<String> methods = new ArrayList<>();

  @Option(names = {"-A", "--cors-allow-header"}, paramLabel = "<HEADER>", order = 12,
      description = "allowed CORS request header (repeatable)")
  List<String> headers = new ArrayList<>();

  @Option(names = {"-C", "--cors-allow-credentials"}, order = 13,
      description = "send Access-Control-Allow-Credentials (needs explicit origins, methods and headers)")
  boolean credentials;

  @Option(names = "--no-telemetry", order = 14, description = "accepted for compatibility; no telemetry is ever sent")
  boolean noTelemetry;

  @Option(names = "--max-body-size", paramLabel = "<BYTES>", order = 20, converter = Converters.PositiveLong.class,
      description = "largest request body [default: 10485760]")
  long maxBodyBytes = HostConfig.DEFAULT_MAX_BODY_BYTES;

  @Option(names = "--header-timeout", paramLabel = "<SECONDS>", order = 21, converter = Converters.Seconds.class,
      description = "longest wait for a request's headers after its request line [default: 10]")
  Duration headerTimeout = HostConfig.DEFAULT_HEADER_TIMEOUT;

  @Option(names = "--idle-timeout", paramLabel = "<SECONDS>", order = 22, converter = Converters.Seconds.class,
      description = "close a connection without a request in progress, or whose body stops arriving, after this "
          + "long [default: 60]")
  Duration idleTimeout = HostConfig.DEFAULT_IDLE_TIMEOUT;

  @Option(names = "--tenants", paramLabel = "<FILE>", order = 30,
      description = "tenants file: tokens (hashed), agent sets, limits, environment [env SANDBOX_AGENT_TENANTS]; "
          + "--token then names the administrator")
  String tenantsFile;

  @Option(names = "--data-dir", paramLabel = "<DIR>", order = 31,
      description = "where sessions and events are stored [env SANDBOX_AGENT_DATA_DIR; default: "
          + "$XDG_DATA_HOME/sandbox-agent or ~/.local/share/sandbox-agent]")
  String dataDir;

  @Option(names = "--ephemeral", order = 32, description = "keep sessions and events in memory only")
  boolean ephemeral;

  @Option(names = "--retention", paramLabel = "<DURATION>", order = 33, converter = Converters.Span.class,
      description = "remove ended sessions this long after their end (7d, 12h, 30m, PT12H) "
          + "[env SANDBOX_AGENT_RETENTION; default: keep until deleted]")
  Duration retention;

  @Option(names = "--event-sink", paramLabel = "<URL>", order = 34,
      description = "export sessions and events to PostgreSQL: postgresql://user@host/db "
          + "[env SANDBOX_AGENT_EVENT_SINK, which keeps a password off the command line]")
  String eventSink;

  @Option(names = "--log-level", paramLabel = "<LEVEL>", order = 40,
      description = "error, warn, info, debug or trace [env SANDBOX_AGENT_LOG_LEVEL; default: info]")
  String logLevel;

  @Option(names = "--log-format", paramLabel = "<FORMAT>", order = 41,
      description = "text, or json: one object a line with time (UTC), level, logger, message and error "
          + "[env SANDBOX_AGENT_LOG_FORMAT; default: text]")
  String logFormat;

  @Option(names = "--access-log", order = 42,
      description = "log one line per request: method, path, route, status, duration, tenant "
          + "[env SANDBOX_AGENT_ACCESS_LOG=1]")
  boolean accessLog;

  @Mixin InstallOptions install = new InstallOptions();

  private final CommandContext context;

  ServerCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Map<String, String> env = context.env();
    LogSettings.of(logLevel, logFormat, accessLog, env).apply();
    HostConfig config = toConfig(cli.token(), cli.noToken(), env);
    try {
      config.cors().validate();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Daemon daemon;
    try {
      daemon = Daemon.start(config);
    } catch (UncheckedIOException | StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException("failed to start server on " + config.host() + ":" + config.port() + ": "
          + e.getMessage(), e);
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

  private static String auth(HostConfig config) {
    int tenants = config.tenants().tenants().size();
    if (tenants > 0) {
      return "on, " + tenants + (tenants == 1 ? " tenant" : " tenants");
    }
    return config.token() == null ? "off" : "on";
  }

  /**
   * The daemon's configuration; {@code token} is the one the command line gives (null for none).
   *
   * @throws UsageException when no token choice is made, or flags do not go together
   * @throws IllegalArgumentException for a bad environment variable or an unreadable file
   */
  HostConfig toConfig(String token, boolean noToken, Map<String, String> env) {
    String tenantsPath = tenantsFile != null ? tenantsFile : env.get("SANDBOX_AGENT_TENANTS");
    Tenants tenants = Tenants.none();
    if (tenantsPath != null && !tenantsPath.isBlank()) {
      if (noToken) {
        throw new UsageException("--no-token cannot be combined with a tenants file");
      }
      tenants = Tenants.load(Path.of(tenantsPath), new ObjectMapper());
    }
    if (token == null && !noToken && tenants.isEmpty()) {
      throw new UsageException(
          "missing --token or --no-token for server mode (or a token from --token-file or SANDBOX_TOKEN)");
    }
    install.applyAcpAgents();
    Path defaultInstall = HostConfig.defaultInstallDirectory(env);
    CorsConfig cors = new CorsConfig(origins, methods, headers, credentials);
    return new HostConfig(host, port, token, cors, install.pluginsDirectory(env), install.installDirectory(env),
        defaultInstall, maxBodyBytes, HostConfig.DEFAULT_KEEP_ALIVE, Path.of("").toAbsolutePath(),
        install.installSettings(env), tenants, headerTimeout, idleTimeout, dataDirectory(env), retention(env),
        eventSink(env));
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
}
