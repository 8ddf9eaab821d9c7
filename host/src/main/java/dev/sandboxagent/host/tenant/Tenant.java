package dev.sandboxagent.host.tenant;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;

/**
 * One tenant of a shared daemon: its sessions live in their own namespace, it sees and uses only
 * its agents, and its agent processes get its environment.
 *
 * @param id the tenant id ("" for the daemon's own single-token tenant)
 * @param agents the agent ids it may use, or null for every agent
 * @param maxSessions the most sessions it may have running at once; 0 for no limit
 * @param environment extra environment for its agent processes (its own API keys, say)
 * @param admin whether it may administer the daemon (rescan plugins, see every plugin)
 */
public record Tenant(String id, Set<String> agents, int maxSessions, Map<String, String> environment, boolean admin) {

  /** The tenant of the single-token (or no-token) configuration: every agent, no limit, admin. */
  public static final Tenant DEFAULT = new Tenant("", null, 0, Map.of(), true);

  public Tenant {
    requireNonNull(id, "id is null");
    agents = agents == null ? null : Set.copyOf(agents);
    environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    if (maxSessions < 0) {
      throw new IllegalArgumentException("maxSessions must not be negative");
    }
  }

  /** Whether this tenant may see and use {@code agent}. */
  public boolean allows(String agent) {
    return agents == null || agents.contains(agent);
  }

  /** The sharing scope of its sessions: processes shared by sessions never cross tenants. */
  public String scope() {
    return id;
  }

  @Override
  public String toString() {
    // The environment may hold secrets: never printed.
    return "Tenant[" + (id.isEmpty() ? "default" : id) + "]";
  }
}
