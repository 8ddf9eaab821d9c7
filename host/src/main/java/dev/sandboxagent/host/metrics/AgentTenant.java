package dev.sandboxagent.host.metrics;

/**
 * The labels of a session's series.
 *
 * @param agent the agent id
 * @param tenant the tenant id, empty for the daemon's own token
 */
public record AgentTenant(String agent, String tenant) {}
