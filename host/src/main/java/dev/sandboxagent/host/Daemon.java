package dev.sandboxagent.host;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.host.agent.AgentCatalog;
import dev.sandboxagent.host.http.ApiRouting;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.session.EventCodec;
import dev.sandboxagent.host.session.SessionManager;
import io.helidon.webserver.WebServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A running daemon: the agents, the sessions and the web server, and their orderly shutdown. */
public final class Daemon implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

  private final AdapterRegistry registry;
  private final SessionManager sessions;
  private final WebServer server;
  private volatile boolean closed;

  private Daemon(AdapterRegistry registry, SessionManager sessions, WebServer server) {
    this.registry = registry;
    this.sessions = sessions;
    this.server = server;
  }

  /** Loads the plugins of {@code config.pluginsDir()} and starts serving. */
  public static Daemon start(HostConfig config) {
    return start(config, AdapterRegistry.load(config.pluginsDir()));
  }

  /** Starts serving the agents of {@code registry}. */
  public static Daemon start(HostConfig config, AdapterRegistry registry) {
    requireNonNull(config, "config is null");
    ObjectMapper mapper = new ObjectMapper();
    AgentCatalog catalog =
        new AgentCatalog(config.installDir(), config.defaultInstallDir(), System.getenv("PATH"));
    SessionManager sessions = new SessionManager(
        registry, catalog, new EventCodec(mapper), Clock.systemUTC(), config.workingDirectory(), Map.of());
    ApiRouting.Services services = new ApiRouting.Services(
        registry, catalog, sessions, mapper, config.token(), config.cors(), config.maxBodyBytes(), config.keepAlive());
    WebServer server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .shutdownHook(false)
        .maxPayloadSize(config.maxBodyBytes())
        .shutdownGracePeriod(Duration.ofMillis(500))
        .connectionOptions(o -> o.tcpNoDelay(true))
        .routing(routing -> ApiRouting.configure(routing, services))
        .build()
        .start();
    return new Daemon(registry, sessions, server);
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
    try {
      server.stop();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "stopping the web server failed", e);
    }
    registry.close();
  }
}
