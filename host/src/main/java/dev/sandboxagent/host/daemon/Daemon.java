package dev.sandboxagent.host.daemon;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.host.agent.AgentStateDirectories;
import dev.sandboxagent.host.credentials.CredentialDiscovery;
import dev.sandboxagent.host.export.EventExport;
import dev.sandboxagent.host.export.PostgresSink;
import dev.sandboxagent.host.http.ApiRouting;
import dev.sandboxagent.host.http.ConnectionTimeouts;
import dev.sandboxagent.host.http.SseWriter;
import dev.sandboxagent.host.install.AgentCatalog;
import dev.sandboxagent.host.install.ArchiveExtractor;
import dev.sandboxagent.host.install.Downloader;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.install.Installer;
import dev.sandboxagent.host.install.NpmRegistry;
import dev.sandboxagent.host.install.PlatformDetector;
import dev.sandboxagent.host.metrics.DaemonMetrics;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.LoadedAgent;
import dev.sandboxagent.host.plugin.PluginWatcher;
import dev.sandboxagent.host.process.HostProcess;
import dev.sandboxagent.host.process.ProcessSupervisor;
import dev.sandboxagent.host.session.EventCodec;
import dev.sandboxagent.host.session.SessionManager;
import dev.sandboxagent.host.session.SessionRestorer;
import dev.sandboxagent.host.session.SessionRetention;
import dev.sandboxagent.host.store.SessionStore;
import dev.sandboxagent.host.store.SqliteStore;
import dev.sandboxagent.host.tenant.Tenant;
import dev.sandboxagent.host.tenant.Tenants;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A running daemon: the agents, the sessions and the web server, and their orderly shutdown. */
public final class Daemon implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Daemon.class.getName());
  /** How long an install waits for another install of the same agent (a large download) to finish. */
  private static final Duration INSTALL_LOCK_TIMEOUT = Duration.ofMinutes(15);
  /** The web server's own logger, which reports a failure to listen; held so that its filter stays. */
  private static final Logger SERVER_LOG = Logger.getLogger("io.helidon.webserver.LoomServer");

  private final AdapterRegistry registry;
  private final SessionManager sessions;
  private final WebServer server;
  private final ProcessSupervisor processes;
  private final PluginWatcher watcher;
  private final ConnectionTimeouts timeouts;
  private final SessionStore store;
  private final SseWriter events;
  private final SessionRetention retention;
  private final EventExport export;
  private volatile boolean closed;

  private Daemon(AdapterRegistry registry, SessionManager sessions, WebServer server, ProcessSupervisor processes,
      ConnectionTimeouts timeouts, SessionStore store, SseWriter events, SessionRetention retention,
      EventExport export) {
    this.watcher = PluginWatcher.start(registry);
    this.registry = registry;
    this.sessions = sessions;
    this.server = server;
    this.processes = processes;
    this.timeouts = timeouts;
    this.store = store;
    this.events = events;
    this.retention = retention;
    this.export = export;
  }

  /**
   * Loads the plugins of {@code config.pluginsDir()} and starts serving.
   *
   * @throws UncheckedIOException when the server cannot listen on the configured address, with a
   *     message that says why in one line (such as {@code address 127.0.0.1:2468 is already in use})
   */
  public static Daemon start(HostConfig config) {
    requireNonNull(config, "config is null");
    InetAddress address = resolve(config.host());
    // Plugins load while the web server starts; requests (the health check too) wait for them.
    return start(config, address, AdapterRegistry.loadInBackground(config.pluginsDir()));
  }

  /**
   * Starts serving the agents of {@code registry}, which the daemon closes when it stops or fails
   * to start.
   *
   * @throws UncheckedIOException when the server cannot listen on the configured address
   */
  public static Daemon start(HostConfig config, AdapterRegistry registry) {
    requireNonNull(config, "config is null");
    requireNonNull(registry, "registry is null");
    InetAddress address;
    try {
      address = resolve(config.host());
    } catch (UncheckedIOException e) {
      registry.close();
      throw e;
    }
    return start(config, address, registry);
  }

  private static Daemon start(HostConfig config, InetAddress address, AdapterRegistry registry) {
    ObjectMapper mapper = jsonMapper();
    DaemonMetrics metrics = DaemonMetrics.create();
    AgentCatalog catalog = catalog(config, PlatformDetector.current(), mapper, metrics);
    ProcessSupervisor processes = ProcessSupervisor.create();
    // A data directory in use stops the start at once; its database opens in the background while
    // the server is built and starts (the health check answers meanwhile, readiness does not, and
    // requests that need the sessions wait for them), and one that cannot be read stops the start.
    SqliteStore sqlite;
    try {
      sqlite = config.dataDir() == null ? null : SqliteStore.open(config.dataDir());
    } catch (RuntimeException e) {
      registry.awaitLoaded();
      registry.close();
      throw e;
    }
    SessionStore store = sqlite == null ? SessionStore.ephemeral() : sqlite;
    AgentStateDirectories states = config.dataDir() == null ? AgentStateDirectories.temporary()
        : AgentStateDirectories.under(config.dataDir().resolve("agents"));
    SessionManager sessions = new SessionManager(
        registry, catalog, new EventCodec(mapper), Clock.systemUTC(), config.workingDirectory(),
        () -> discoveredCredentials(registry), processes, store, states, metrics);
    Tenants tenants = Tenants.of(config.tenants(), config.token());
    Thread.ofVirtual().name("session-restore").start(
        new SessionRestorer(sessions, mapper, id -> tenant(tenants, id), config.retention())::restore);
    SseWriter events = new SseWriter(config.keepAlive());
    EventExport export = config.eventSink() == null || sqlite == null ? null
        : EventExport.start(PostgresSink.parse(config.eventSink()), sqlite, Clock.systemUTC());
    meter(metrics, registry, events, store, export);
    ApiRouting.Services services = new ApiRouting.Services(
        registry, catalog, sessions, mapper, tenants, config.cors(), config.maxBodyBytes(), events,
        export == null ? null : export::status, store::status, metrics, () -> notReady(registry, store, sessions));
    ConnectionTimeouts timeouts = new ConnectionTimeouts(config.headerTimeout(), config.idleTimeout());
    WebServer server = WebServer.builder()
        .address(address)
        .port(config.port())
        .shutdownHook(false)
        .maxPayloadSize(config.maxBodyBytes())
        .shutdownGracePeriod(Duration.ofMillis(500))
        .connectionOptions(o -> o.tcpNoDelay(true))
        // What a connection keeps while it is open (an event stream's for hours): an event stream
        // gathers its frames itself (SseWriter), so the response stream's own buffer only has to hold
        // a keep-alive comment; and a socket, not a socket channel, which would keep a read and a
        // write buffer of 8 KB each.
        .writeBufferSize(512)
        .useNio(false)
        .update(timeouts::configure)
        .directHandlers(ApiRouting.directHandlers(services))
        .routing(routing -> ApiRouting.configure(routing.addFilter(timeouts.bodyReads()), services))
        .build();
    Throwable failure;
    try {
      failure = startQuietly(server);
      if (sqlite != null && server.isRunning()) {
        sqlite.awaitOpen();
      }
    } catch (RuntimeException e) {
      stopQuietly(server);
      sessions.shutdown();
      closeQuietly(export);
      store.close();
      registry.awaitLoaded();
      registry.close();
      processes.shutdown(HostProcess.GRACE);
      throw e;
    }
    if (!server.isRunning()) {
      stopQuietly(server);
      // The background load may still be adding plugins: let it finish, then stop them all.
      registry.awaitLoaded();
      registry.close();
      sessions.shutdown();
      closeQuietly(export);
      store.close();
      processes.shutdown(HostProcess.GRACE);
      throw listenFailure(config.host(), config.port(), failure);
    }
    return new Daemon(registry, sessions, server, processes, timeouts, store, events,
        SessionRetention.start(sessions, config.retention()), export);
  }

  /**
   * The daemon's JSON mapper. Its parsers' and generators' buffers (about 12 KB) come from one
   * shared pool rather than one set per thread: every connection is served by a virtual thread of
   * its own, which would otherwise keep a set for as long as the connection stays open, such as an
   * event stream's.
   */
  static ObjectMapper jsonMapper() {
    return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());
  }

  /** The gauges read from the daemon's state when scraped. */
  private static void meter(DaemonMetrics metrics, AdapterRegistry registry, SseWriter events, SessionStore store,
      EventExport export) {
    metrics.gauge("sandbox_agent_sse_subscribers", "event streams being written", events::openStreams);
    metrics.gauge("sandbox_agent_plugin_load_failures",
        "plugin files that could not be loaded, and agents shadowed by another plugin",
        () -> registry.isLoaded() ? registry.failures().size() : 0);
    metrics.gauge("sandbox_agent_store_pending_writes", "session store writes waiting to be made",
        () -> store.status().pendingWrites());
    metrics.gauge("sandbox_agent_store_failing", "1 while the session store cannot write, else 0",
        () -> store.status().failing() ? 1 : 0);
    if (export != null) {
      metrics.gauge("sandbox_agent_event_sink_connected", "1 while the event sink is connected, else 0",
          () -> export.status().connected() ? 1 : 0);
      metrics.gauge("sandbox_agent_event_sink_lag_events", "stored events not exported yet",
          () -> export.status().lag());
      metrics.gauge("sandbox_agent_event_sink_lag_seconds",
          "how long the export has been behind (since it last had nothing waiting); 0 when it is not",
          () -> export.status().behind().toNanos() / 1e9);
      metrics.counter("sandbox_agent_event_sink_exported_events", "events exported since the daemon started",
          () -> export.status().exported());
    }
  }

  /** Why the daemon cannot serve now: empty when it is ready. */
  private static List<String> notReady(AdapterRegistry registry, SessionStore store, SessionManager sessions) {
    List<String> reasons = new ArrayList<>();
    if (!registry.isLoaded()) {
      reasons.add("the plugins are loading");
    }
    if (!store.isOpen()) {
      reasons.add("the session store is not open");
    }
    reasons.addAll(sessions.notReady());
    return reasons;
  }

  private static void stopQuietly(WebServer server) {
    try {
      server.stop();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "stopping the web server failed", e);
    }
  }

  private static void closeQuietly(EventExport export) {
    if (export != null) {
      export.close();
    }
  }

  /**
   * Starts the web server. The web server logs a failure to listen (a stack trace) instead of
   * throwing it: while it starts, its failure records are kept from the log and their cause is
   * returned, so that the caller can report it in one line.
   *
   * @return the cause of a failed start, or null
   */
  private static Throwable startQuietly(WebServer server) {
    Logger log = SERVER_LOG;
    Filter previous = log.getFilter();
    Throwable[] failure = new Throwable[1];
    log.setFilter(record -> {
      if (record.getLevel().intValue() < Level.SEVERE.intValue()) {
        return previous == null || previous.isLoggable(record);
      }
      synchronized (failure) {
        if (failure[0] == null && record.getThrown() != null) {
          failure[0] = record.getThrown();
        }
      }
      return false;
    });
    try {
      server.start();
    } finally {
      log.setFilter(previous);
    }
    synchronized (failure) {
      return failure[0];
    }
  }

  /** The bind address, resolved before anything starts so that an unknown host is one clear error. */
  private static InetAddress resolve(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new UncheckedIOException("cannot listen on " + host + ": unknown host", e);
    }
  }

  /** Why the server could not listen on {@code host:port}, in one line. */
  static UncheckedIOException listenFailure(String host, int port, Throwable failure) {
    String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    BindException bind = null;
    for (Throwable t = failure; t != null && bind == null; t = t.getCause()) {
      if (t instanceof BindException b) {
        bind = b;
      }
    }
    if (bind == null) {
      String reason = failure == null ? "the web server did not start" : String.valueOf(failure.getMessage());
      return new UncheckedIOException("cannot listen on " + where + ": " + reason,
          failure instanceof IOException io ? io : new IOException(reason, failure));
    }
    String reason = String.valueOf(bind.getMessage());
    String message;
    if (reason.contains("already in use")) {
      message = "address " + where + " is already in use";
    } else if (reason.contains("Cannot assign requested address")) {
      message = "cannot listen on " + where + ": " + host + " is not an address of this machine";
    } else if (reason.contains("Permission denied")) {
      message = "cannot listen on " + where + ": permission denied";
    } else {
      message = "cannot listen on " + where + ": " + reason;
    }
    return new UncheckedIOException(message, bind);
  }

  /** The configured tenant of a stored session; one no longer configured gets nothing but its id. */
  private static Tenant tenant(Tenants tenants, String id) {
    if (id.isEmpty()) {
      return Tenant.DEFAULT;
    }
    return tenants.tenants().stream().filter(t -> t.id().equals(id)).findFirst()
        .orElseGet(() -> new Tenant(id, Set.of(), 0, Map.of(), false));
  }

  /**
   * The agents' programs as configured: where they are looked for and how they are installed.
   *
   * @throws IllegalArgumentException for an unsupported platform
   */
  static AgentCatalog catalog(HostConfig config, Platform platform, ObjectMapper mapper) {
    return catalog(config, platform, mapper, DaemonMetrics.standalone());
  }

  /** The agents' programs as configured, their installs timed and counted in {@code metrics}. */
  private static AgentCatalog catalog(HostConfig config, Platform platform, ObjectMapper mapper,
      DaemonMetrics metrics) {
    return catalog(config.installDir(), config.defaultInstallDir(), config.install(), platform, mapper, metrics);
  }

  /**
   * The agents' programs: installed into {@code installDir}, also looked for in {@code
   * defaultInstallDir} and on {@code PATH}, as {@code settings} say.
   */
  public static AgentCatalog catalog(Path installDir, Path defaultInstallDir, InstallSettings settings,
      Platform platform, ObjectMapper mapper) {
    return catalog(installDir, defaultInstallDir, settings, platform, mapper, DaemonMetrics.standalone());
  }

  private static AgentCatalog catalog(Path installDir, Path defaultInstallDir, InstallSettings settings,
      Platform platform, ObjectMapper mapper, DaemonMetrics metrics) {
    Downloader downloader = Downloader.standard();
    NpmRegistry npm = new NpmRegistry(settings.npmRegistry(), downloader, mapper, null);
    Installer installer = new Installer(installDir, platform, settings, npm, downloader,
        new ArchiveExtractor(settings.archiveLimits()), INSTALL_LOCK_TIMEOUT);
    return new AgentCatalog(installer, defaultInstallDir, System.getenv("PATH"), settings.binaries(), metrics);
  }

  /**
   * The credentials the user already has (environment, then the files the loaded agents' plugins
   * read), as the variables agent processes get; looked up again for every session so that a key
   * added later, or an agent's plugin added later, is seen without a restart.
   */
  static Map<String, String> discoveredCredentials(AdapterRegistry registry) {
    Map<String, String> env = System.getenv();
    List<AgentAdapter> adapters = registry.agents().stream().map(LoadedAgent::adapter).toList();
    return new CredentialDiscovery(adapters, Path.of(CredentialDiscovery.homeDirectory(env)), true, env,
        Clock.systemUTC()).discover().environment();
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  /** The number of event streams (SSE responses) this daemon is writing right now. */
  public int openEventStreams() {
    return events.openStreams();
  }

  public AdapterRegistry registry() {
    return registry;
  }

  /**
   * Stops every agent and every process the daemon's sessions started (re-parented ones too),
   * closes every stream, stops the server. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    retention.close();
    sessions.shutdown();
    processes.shutdown(HostProcess.GRACE);
    sessions.closeStateDirectories();
    closeQuietly(export);
    store.close();
    try {
      server.stop();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "stopping the web server failed", e);
    }
    timeouts.close();
    if (watcher != null) {
      watcher.close();
    }
    registry.close();
  }
}
