package dev.sandboxagent.api;

/**
 * A server an agent shares among the sessions of one sharing scope (an app-server all Codex
 * sessions talk to, say), kept and run by the host: made on first use through {@link
 * SessionContext#sharedServer}, the same object for every later session of the scope, started by
 * the host when a session asks for it and it is not running (the first time, and again after it
 * stopped), its state shown in {@code GET /v1/agents}, and closed when the daemon stops.
 *
 * <p>Servers written for SPI 1.1 start themselves and report their own {@link #status()}; the
 * defaults of the methods added in 1.2 keep them working as they did.
 *
 * @since 1.1
 */
public interface SharedServer extends AutoCloseable {

  /**
   * Starts what the server runs, through {@link SessionContext#startSharedProcess}, and returns
   * once it serves. Called by the host only, never concurrently for one server, with the context
   * of the session that asked for it.
   *
   * @throws AgentException why it cannot start: the host tries again (unless the program is not
   *     installed or the agent says it is unsupported), up to three times, then hands the last error
   *     to the session and shows it in the agent listing
   * @since 1.2
   */
  default void start(SessionContext context) {}

  /**
   * Whether the server runs and serves. Called on request threads; must not block. The default,
   * for servers that start themselves, says yes, so the host never starts them.
   *
   * @since 1.2
   */
  default boolean isRunning() {
    return true;
  }

  /**
   * The server's state for the agent listing, as a server written for SPI 1.1 reports it. The
   * default, null, lets the host compose it from {@link #isRunning()}, {@link #url()}, {@link
   * #stopReason()} and the starts it made. Called on request threads; must not block.
   */
  default ServerStatus status() {
    return null;
  }

  /**
   * Where the server listens, for the agent listing, or null. Must not block.
   *
   * @since 1.2
   */
  default String url() {
    return null;
  }

  /**
   * Why the server stopped when it stopped on its own (for instance {@code "agent server exited
   * with status 3: …"}), for the agent listing, or null. Must not block.
   *
   * @since 1.2
   */
  default String stopReason() {
    return null;
  }

  /**
   * Stops what the server runs; called once, when the daemon stops (its processes are stopped by
   * the host in any case). Must not throw or block for long. The default does nothing.
   */
  @Override
  default void close() {}
}
