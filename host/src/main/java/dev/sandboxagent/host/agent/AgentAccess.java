package dev.sandboxagent.host.agent;

import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.LoadedAgent;
import dev.sandboxagent.host.tenant.Tenant;

/** Which agent a tenant may use: a loaded one, within the tenant's set of agents. */
public final class AgentAccess {

  private AgentAccess() {}

  /**
   * The loaded agent {@code id}, for {@code tenant}.
   *
   * @throws AgentFailure {@link AgentFailure.Kind#UNKNOWN_AGENT} when none is loaded, {@link
   *     AgentFailure.Kind#NOT_ALLOWED} when the tenant may not use it
   */
  public static LoadedAgent usable(AdapterRegistry registry, Tenant tenant, String id) {
    LoadedAgent agent = registry.find(id).orElseThrow(() -> AgentFailure.unknownAgent(id));
    if (!tenant.allows(agent.id())) {
      throw AgentFailure.notAllowed(agent.id());
    }
    return agent;
  }
}
