/**
 * The daemon's entry point and wiring: {@link dev.sandboxagent.host.Main} parses the command line,
 * {@link dev.sandboxagent.host.Daemon} builds the agent registry, session manager and web server.
 */
package dev.sandboxagent.host;
