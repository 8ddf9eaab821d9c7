package dev.sandboxagent.host.agent;

import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.lang.System.Logger.Level;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every call the host makes into an agent's plugin goes through here, so that a plugin that throws
 * or returns nothing never fails the daemon: what it reports with an {@link AgentException} becomes
 * an {@link AgentFailure} naming the agent, anything else it throws (or a missing result) becomes
 * an {@link AgentFailure.Kind#CRASHED} failure and is logged.
 */
public final class AgentCalls {

  private static final System.Logger LOG = System.getLogger(AgentCalls.class.getName());

  private AgentCalls() {}

  /**
   * The result of {@code method}, which must not be null.
   *
   * @throws AgentFailure when the plugin throws or returns null
   */
  public static <T> T call(LoadedAgent agent, String method, Supplier<T> call) {
    T result = callNullable(agent, method, call);
    if (result == null) {
      LOG.log(Level.ERROR, "agent " + agent.id() + " returned null from " + method);
      throw AgentFailure.crashed(agent.id(), method + " returned null", null);
    }
    return result;
  }

  /**
   * The result of {@code method}, which may be null.
   *
   * @throws AgentFailure when the plugin throws
   */
  public static <T> T callNullable(LoadedAgent agent, String method, Supplier<T> call) {
    try {
      return call.get();
    } catch (AgentFailure e) {
      throw e;
    } catch (AgentException e) {
      throw AgentFailure.reported(agent.id(), e);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.ERROR, "agent " + agent.id() + " failed in " + method, e);
      throw AgentFailure.crashed(agent.id(), e.toString(), e);
    }
  }

  /**
   * Runs {@code method}, which returns nothing.
   *
   * @throws AgentFailure when the plugin throws
   */
  public static void run(LoadedAgent agent, String method, Runnable call) {
    callNullable(agent, method, () -> {
      call.run();
      return null;
    });
  }

  /**
   * The result of {@code method}, or what {@code fallback} makes of its failure when it throws or
   * returns null.
   */
  public static <T> T callOr(LoadedAgent agent, String method, Supplier<T> call, Function<AgentFailure, T> fallback) {
    try {
      return call(agent, method, call);
    } catch (AgentFailure e) {
      return fallback.apply(e);
    }
  }
}
