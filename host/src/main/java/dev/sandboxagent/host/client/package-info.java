/** The {@code api} command: a command-line client for a running daemon. */
package dev.sandboxagent.host.client;
