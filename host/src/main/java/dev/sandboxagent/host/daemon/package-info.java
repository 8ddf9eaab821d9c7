/**
 * The daemon's configuration ({@link dev.sandboxagent.host.daemon.HostConfig}) and its wiring
 * ({@link dev.sandboxagent.host.daemon.Daemon}): the agent registry, session manager, store and web
 * server, started and closed together.
 */
package dev.sandboxagent.host.daemon;
