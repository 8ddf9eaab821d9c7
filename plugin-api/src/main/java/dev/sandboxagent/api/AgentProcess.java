package dev.sandboxagent.api;

/**
 * A process the host started for a session. The host owns it: it reads its output, and kills it
 * with its whole process tree when the session ends or the daemon stops, so a plugin never leaves
 * an orphan behind. Safe to use from any thread.
 */
public interface AgentProcess {

  /** The operating-system process id. */
  long pid();

  /**
   * Writes one line (a newline is added) to the process's stdin and flushes it.
   *
   * @throws AgentException of kind {@link AgentException.Kind#PROCESS_EXITED} when stdin is closed
   */
  void writeLine(String line);

  /** Closes stdin (end of input). Idempotent. */
  void closeInput();

  /** Whether the process is still running. */
  boolean isAlive();

  /** The last lines the process wrote to stderr (bounded). */
  String stderrTail();

  /**
   * Stops the process tree: a polite termination signal first, then a forced kill after a short
   * grace period. Returns without waiting for the grace period. Idempotent.
   */
  void stop();
}
