package dev.sandboxagent.host.agent;

import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The servers agents share among the sessions of a sharing scope, run by the host: one per agent,
 * scope and type, made on first use, started whenever a session asks for one that is not running
 * (up to {@value #ATTEMPTS} attempts), shown in the agent listing with their starts and last error,
 * closed when the daemon stops. Thread-safe; one server is started by one thread at a time.
 */
public final class SharedServers {

  private static final System.Logger LOG = System.getLogger(SharedServers.class.getName());
  /** How many times a server is started before a session is told it cannot be. */
  static final int ATTEMPTS = 3;

  private record Key(String agent, String scope, Class<?> type) {}

  /** A server and what the host knows of its runs: written under its lock, read without it. */
  private static final class Kept {
    final SharedServer server;
    volatile int starts;
    volatile long startedAt;
    volatile String lastError;
    volatile boolean started;

    Kept(SharedServer server) {
      this.server = server;
    }
  }

  private final Map<Key, Kept> servers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * The agent's server of {@code type} for {@code scope}, made by {@code create} (through the guard
   * into plugins) if there is none yet, and started with {@code context} if it is not running.
   *
   * @throws AgentFailure when the plugin fails to make one, it cannot be started, or the daemon is
   *     stopping
   */
  public <S extends SharedServer> S get(LoadedAgent agent, String scope, Class<S> type, Supplier<S> create,
      SessionContext context) {
    if (closed) {
      throw AgentFailure.crashed(agent.id(), "the daemon is stopping", null);
    }
    Kept kept = servers.computeIfAbsent(new Key(agent.id(), scope, type),
        key -> new Kept(AgentCalls.call(agent, "sharedServer", create)));
    if (!type.isInstance(kept.server)) {
      throw AgentFailure.crashed(agent.id(), "sharedServer made a " + kept.server.getClass().getName()
          + ", not a " + type.getName(), null);
    }
    synchronized (kept) {
      if (!running(agent, kept)) {
        start(agent, kept, context);
      }
    }
    return type.cast(kept.server);
  }

  private static void start(LoadedAgent agent, Kept kept, SessionContext context) {
    if (kept.started) {
      String reason = AgentCalls.callOr(agent, "stopReason", kept.server::stopReason, failure -> null);
      if (reason != null) {
        kept.lastError = reason;
      }
      kept.started = false;
    }
    AgentFailure last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      kept.starts = kept.starts + 1;
      try {
        AgentCalls.run(agent, "start", () -> kept.server.start(context));
        kept.started = true;
        kept.startedAt = System.nanoTime();
        return;
      } catch (AgentFailure e) {
        last = e;
        kept.lastError = e.getMessage();
        LOG.log(Level.INFO, "starting the shared server of {0} failed (attempt {1} of {2}): {3}",
            agent.id(), attempt + 1, ATTEMPTS, e.getMessage());
        if (e.kind() == AgentFailure.Kind.NOT_INSTALLED || e.kind() == AgentFailure.Kind.UNSUPPORTED) {
          break;
        }
      }
    }
    throw last;
  }

  private static boolean running(LoadedAgent agent, Kept kept) {
    return kept.started && AgentCalls.callOr(agent, "isRunning", kept.server::isRunning, failure -> false);
  }

  /**
   * The state of the agent's shared server for {@code scope}: that of the server the host keeps,
   * else what the plugin says (plugins keeping their own, as SPI 1.0 ones do); {@code error} with
   * the failure when the plugin throws, {@code stopped} when it says nothing.
   */
  public ServerStatus status(LoadedAgent agent, String scope) {
    List<Kept> kept = servers.entrySet().stream()
        .filter(e -> e.getKey().agent().equals(agent.id()) && e.getKey().scope().equals(scope))
        .map(Map.Entry::getValue).toList();
    if (!kept.isEmpty()) {
      return status(agent, kept.get(0));
    }
    return AgentCalls.callOr(agent, "serverStatus", () -> agent.adapter().serverStatus(scope),
        failure -> failure.getCause() == null
            ? ServerStatus.stopped()
            : new ServerStatus("error", null, null, 0, "serverStatus failed: " + failure.getCause()));
  }

  private static ServerStatus status(LoadedAgent agent, Kept kept) {
    // A server written for SPI 1.1 starts itself and says how it is.
    ServerStatus own = AgentCalls.callOr(agent, "status", kept.server::status, failure -> null);
    if (own != null) {
      return own;
    }
    String url = AgentCalls.callOr(agent, "url", kept.server::url, failure -> null);
    int restarts = Math.max(0, kept.starts - 1);
    if (running(agent, kept)) {
      return new ServerStatus("running", url, (System.nanoTime() - kept.startedAt) / 1_000_000, restarts,
          kept.lastError);
    }
    String reason = kept.started
        ? AgentCalls.callOr(agent, "stopReason", kept.server::stopReason, failure -> null)
        : null;
    String error = reason != null ? reason : kept.lastError;
    return new ServerStatus(error != null ? "error" : "stopped", url, null, restarts, error);
  }

  /** Closes every server; later requests for one fail. Called once at daemon shutdown. */
  public void closeAll() {
    closed = true;
    for (Map.Entry<Key, Kept> entry : servers.entrySet()) {
      try {
        entry.getValue().server.close();
      } catch (RuntimeException | LinkageError e) {
        LOG.log(Level.WARNING, "closing the shared server of " + entry.getKey().agent() + " failed", e);
      }
    }
    servers.clear();
  }
}
