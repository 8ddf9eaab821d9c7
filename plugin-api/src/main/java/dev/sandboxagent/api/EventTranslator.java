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
   * Called once when the native stream has ended. Returns the events that close what is still open
   * (for instance an {@code error} for a crashed process). The default returns nothing.
   */
  default List<AgentEvent> finish(ExitStatus status) {
    return List.of();
  }
}
