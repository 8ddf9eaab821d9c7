/**
 * The plugins' support library: small, host-supplied building blocks for speaking an agent's
 * protocol through the handles of a {@link dev.sandboxagent.api.SessionContext}, so that a new
 * agent is its translator plus a few lines of wiring. Part of the SPI since 1.1 and supplied by the
 * host like the rest of it: plugins compile against it with {@code provided} scope and never bundle
 * it. Its classes need {@code jackson-databind}, which the host supplies too.
 *
 * <p>{@link dev.sandboxagent.api.support.JsonRpcPeer} speaks JSON-RPC 2.0 (and its relaxed
 * variants, such as Codex's, without the {@code jsonrpc} member) over an agent process's stdio.
 *
 * @since 1.1
 */
package dev.sandboxagent.api.support;
