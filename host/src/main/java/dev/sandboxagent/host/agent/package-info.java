/**
 * Agents as the host uses them: resolving an agent's binary (install directory, {@code PATH},
 * default install directory), probing its version, running its adapter's install, the one guarded
 * way into a plugin ({@link dev.sandboxagent.host.agent.AgentCalls}), which agents a tenant may
 * use, and the failures concerning an agent ({@link dev.sandboxagent.host.agent.AgentFailure}).
 */
package dev.sandboxagent.host.agent;
