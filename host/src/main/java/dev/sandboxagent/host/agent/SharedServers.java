package dev.sandboxagent.host.agent;

import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The servers agents share among the sessions of a sharing scope: one per agent, scope and type,
 * made on first use, shown in the agent listing, closed when the daemon stops. Thread-safe.
 */
public final class SharedServers {

  private static final System.Logger LOG = System.getLogger(SharedServers.class.getName());

  private record Key(String agent, String scope, Class<?> type) {}

  private final Map<Key, SharedServer> servers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * The agent's server of {@code type} for {@code scope}, made by {@code create} (through the guard
   * into plugins) if there is none yet.
   *
   * @throws AgentFailure when the plugin fails to make one, or the daemon is stopping
   */
  public <S extends SharedServer> S get(LoadedAgent agent, String scope, Class<S> type, Supplier<S> create) {
    if (closed) {
      throw AgentFailure.crashed(agent.id(), "the daemon is stopping", null);
    }
    SharedServer server = servers.computeIfAbsent(new Key(agent.id(), scope, type),
        key -> AgentCalls.call(agent, "sharedServer", create));
    if (!type.isInstance(server)) {
      throw AgentFailure.crashed(agent.id(), "sharedServer made a " + server.getClass().getName()
          + ", not a " + type.getName(), null);
    }
    return type.cast(server);
  }

  /**
   * The state of the agent's shared server for {@code scope}: that of the server the host keeps,
   * else what the plugin says (plugins keeping their own, as SPI 1.0 ones do); {@code error} with
   * the failure when the plugin throws, {@code stopped} when it says nothing.
   */
  public ServerStatus status(LoadedAgent agent, String scope) {
    List<SharedServer> kept = servers.entrySet().stream()
        .filter(e -> e.getKey().agent().equals(agent.id()) && e.getKey().scope().equals(scope))
        .map(Map.Entry::getValue).toList();
    Supplier<ServerStatus> status = kept.isEmpty()
        ? () -> agent.adapter().serverStatus(scope)
        : () -> kept.get(0).status();
    return AgentCalls.callOr(agent, "serverStatus", status,
        failure -> failure.getCause() == null
            ? ServerStatus.stopped()
            : new ServerStatus("error", null, null, 0, "serverStatus failed: " + failure.getCause()));
  }

  /** Closes every server; later requests for one fail. Called once at daemon shutdown. */
  public void closeAll() {
    closed = true;
    for (Map.Entry<Key, SharedServer> entry : servers.entrySet()) {
      try {
        entry.getValue().close();
      } catch (RuntimeException | LinkageError e) {
        LOG.log(Level.WARNING, "closing the shared server of " + entry.getKey().agent() + " failed", e);
      }
    }
    servers.clear();
  }
}
