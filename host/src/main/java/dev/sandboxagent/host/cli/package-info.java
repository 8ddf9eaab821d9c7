/**
 * The command line of {@code sandbox-agent}: one class per command, the options they share, and the
 * console logging the commands set up. Depends on everything else; nothing depends on it.
 */
package dev.sandboxagent.host.cli;
