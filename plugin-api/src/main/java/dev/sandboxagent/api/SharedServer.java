package dev.sandboxagent.api;

/**
 * A server an agent shares among the sessions of one sharing scope (an app-server all Codex
 * sessions talk to, say), kept by the host: made on first use through {@link
 * SessionContext#sharedServer}, the same object for every later session of the scope, its state
 * shown in {@code GET /v1/agents}, and closed when the daemon stops. It starts and restarts its
 * process itself, through {@link SessionContext#startSharedProcess}.
 *
 * @since 1.1
 */
public interface SharedServer extends AutoCloseable {

  /** The server's state for {@code GET /v1/agents}. Called on request threads; must not block. */
  ServerStatus status();

  /**
   * Stops what the server runs; called once, when the daemon stops (its processes are stopped by
   * the host in any case). Must not throw or block for long. The default does nothing.
   */
  @Override
  default void close() {}
}
