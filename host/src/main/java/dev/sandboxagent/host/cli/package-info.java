/**
 * The client side of the command line: {@code api} (an HTTP client for a running daemon) and
 * {@code credentials} (local credential discovery), plus the discovery the daemon uses to hand
 * credentials to agent processes. Nothing here starts a server; {@code Main} dispatches to
 * {@link dev.sandboxagent.host.cli.ApiCommand} and {@link dev.sandboxagent.host.cli.CredentialsCommand}.
 *
 * <p>Conventions shared by both commands: results go to stdout, diagnostics to stderr; runtime
 * errors are one {@code error="..."} line and exit status 1; command-line errors print the message
 * and the command's usage and exit 2; {@code -h}/{@code --help} prints the usage on stdout and
 * exits 0.
 */
package dev.sandboxagent.host.cli;
