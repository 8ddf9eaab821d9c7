package dev.sandboxagent.host;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.agent.AgentCatalog;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.host.credentials.CredentialDiscovery;
import dev.sandboxagent.host.credentials.CredentialsCommand;
import dev.sandboxagent.host.http.ApiRouting;
import dev.sandboxagent.host.install.ArchiveExtractor;
import dev.sandboxagent.host.install.Downloader;
import dev.sandboxagent.host.install.Installer;
import dev.sandboxagent.host.install.NpmRegistry;
import dev.sandboxagent.host.install.PlatformDetector;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.PluginWatcher;
import dev.sandboxagent.host.process.HostProcess;
import dev.sandboxagent.host.session.EventCodec;
import dev.sandboxagent.host.session.SessionManager;
import dev.sandboxagent.host.session.SessionRestorer;
import dev.sandboxagent.host.store.SessionStore;
import dev.sandboxagent.host.store.SqliteStore;
import dev.sandboxagent.host.tenant.Tenant;
import dev.sandboxagent.host.tenant.Tenants;
import io.helidon.webserver.WebServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A running daemon: the agents, the sessions and the web server, and their orderly shutdown. */
public final class Daemon implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Daemon.class.getName());
  /** How long an install waits for another install of the same agent (a large download) to finish. */
  private static final Duration INSTALL_LOCK_TIMEOUT = Duration.ofMinutes(15);

  private final AdapterRegistry registry;
  private final SessionManager sessions;
  private final WebServer server;
  private final PluginWatcher watcher;
  private final SessionStore store;
  private volatile boolean closed;

  private Daemon(AdapterRegistry registry, SessionManager sessions, WebServer server, SessionStore store) {
    this.watcher = PluginWatcher.start(registry);
    this.registry = registry;
    this.sessions = sessions;
    this.server = server;
    this.store = store;
  }

  /** Loads the plugins of {@code config.pluginsDir()} and starts serving. */
  public static Daemon start(HostConfig config) {
    // Plugins load while the web server starts; requests (the health check too) wait for them.
    return start(config, AdapterRegistry.loadInBackground(config.pluginsDir()));
  }

  /** Starts serving the agents of {@code registry}. */
  public static Daemon start(HostConfig config, AdapterRegistry registry) {
    requireNonNull(config, "config is null");
    ObjectMapper mapper = new ObjectMapper();
    AgentCatalog catalog = catalog(config, PlatformDetector.current(), mapper);
    // A data directory in use stops the start at once; its database opens while the server is
    // built, and one that cannot be read stops the start too.
    SqliteStore sqlite = config.dataDir() == null ? null : SqliteStore.open(config.dataDir());
    SessionStore store = sqlite == null ? SessionStore.ephemeral() : sqlite;
    SessionManager sessions = new SessionManager(
        registry, catalog, new EventCodec(mapper), Clock.systemUTC(), config.workingDirectory(),
        Daemon::discoveredCredentials, store);
    Tenants tenants = Tenants.of(config.tenants(), config.token());
    Thread.ofVirtual().name("session-restore").start(
        new SessionRestorer(sessions, mapper, id -> tenant(tenants, id))::restore);
    ApiRouting.Services services = new ApiRouting.Services(
        registry, catalog, sessions, mapper, tenants, config.cors(), config.maxBodyBytes(), config.keepAlive());
    WebServer server;
    try {
      server = WebServer.builder()
          .host(config.host())
          .port(config.port())
          .shutdownHook(false)
          .maxPayloadSize(config.maxBodyBytes())
          .shutdownGracePeriod(Duration.ofMillis(500))
          .connectionOptions(o -> o.tcpNoDelay(true))
          .routing(routing -> ApiRouting.configure(routing, services))
          .build();
      // Listening only once the database is open: a daemon that answers is one that stays.
      if (sqlite != null) {
        sqlite.awaitOpen();
      }
      server.start();
    } catch (RuntimeException e) {
      sessions.shutdown();
      store.close();
      throw e;
    }
    return new Daemon(registry, sessions, server, store);
  }

  /** The configured tenant of a stored session; one no longer configured gets nothing but its id. */
  private static Tenant tenant(Tenants tenants, String id) {
    if (id.isEmpty()) {
      return Tenant.DEFAULT;
    }
    return tenants.tenants().stream().filter(t -> t.id().equals(id)).findFirst()
        .orElseGet(() -> new Tenant(id, java.util.Set.of(), 0, Map.of(), false));
  }

  /**
   * The agents' programs as configured: where they are looked for and how they are installed.
   *
   * @throws IllegalArgumentException for an unsupported platform
   */
  static AgentCatalog catalog(HostConfig config, Platform platform, ObjectMapper mapper) {
    Downloader downloader = Downloader.standard();
    NpmRegistry npm = new NpmRegistry(config.install().npmRegistry(), downloader, mapper, null);
    Installer installer = new Installer(config.installDir(), platform, config.install(), npm, downloader,
        new ArchiveExtractor(), INSTALL_LOCK_TIMEOUT);
    return new AgentCatalog(installer, config.defaultInstallDir(), System.getenv("PATH"), config.install().binaries());
  }

  /**
   * The credentials the user already has (environment, then the agents' own files), as the
   * variables agent processes get; looked up again for every session so that a key added later is
   * seen without a restart.
   */
  static Map<String, String> discoveredCredentials() {
    Map<String, String> env = System.getenv();
    return new CredentialDiscovery(Path.of(CredentialsCommand.homeDirectory(env)), true, env, Clock.systemUTC())
        .discover().environment();
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  public AdapterRegistry registry() {
    return registry;
  }

  /** Stops every agent, closes every stream, stops the server. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    sessions.shutdown();
    HostProcess.stopAll(HostProcess.GRACE);
    store.close();
    try {
      server.stop();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "stopping the web server failed", e);
    }
    if (watcher != null) {
      watcher.close();
    }
    registry.close();
  }
}
