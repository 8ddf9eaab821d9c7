package dev.sandboxagent.api;

import java.util.List;

/**
 * Turns an agent's native output, one line at a time, into candidate events. One instance per
 * session, created by the adapter.
 *
 * <p>Pure and single-threaded by contract: no I/O, no clock except through its session context, so
 * every behaviour can be pinned by golden files. Unknown or malformed input becomes an {@code
 * agent.unparsed} event and translation goes on; a translator never throws for bad input.
 */
public interface EventTranslator {

  /**
   * Translates one native line (without its line terminator).
   *
   * @return the candidate events, in order; empty when the line yields nothing
   */
  List<AgentEvent> translate(String line);

  /**
   * Called once by the host-driven loop of {@link SessionContext#startAgentProcess}, before any of
   * the process's output, with the process being translated: a translator wrapped by its session to
   * answer the agent's requests or to stop it keeps the handle here. The default does nothing.
   *
   * @since 1.1
   */
  default void started(AgentProcess process) {}

  /**
   * Reads one line the agent wrote to stderr, for agents that report something there (a login
   * prompt, say), and returns the events it yields. Called only by the host-driven loop of {@link
   * SessionContext#startAgentProcess}, on the same thread as {@link #translate}. The default yields
   * nothing: stderr is kept as the tail handed to {@link #finish}.
   *
   * @since 1.1
   */
  default List<AgentEvent> translateStderr(String line) {
    return List.of();
  }

  /**
   * Called once when the native stream has ended. Returns the events that close what is still open
   * (for instance an {@code error} for a crashed process). The default returns nothing.
   */
  default List<AgentEvent> finish(ExitStatus status) {
    return List.of();
  }
}
