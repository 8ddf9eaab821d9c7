/**
 * Agents as the host calls them: the one guarded way into a plugin ({@link
 * dev.sandboxagent.host.agent.AgentCalls}), which agents a tenant may use ({@link
 * dev.sandboxagent.host.agent.AgentAccess}), and the failures concerning an agent ({@link
 * dev.sandboxagent.host.agent.AgentFailure}). Agent programs on disk are the install package's.
 */
package dev.sandboxagent.host.agent;
