/**
 * Agent programs on disk: resolving an agent's binary (install directory, {@code PATH}, default
 * install directory), probing its version, and running its adapter's install.
 */
package dev.sandboxagent.host.agent;
