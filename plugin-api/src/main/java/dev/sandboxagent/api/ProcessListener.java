package dev.sandboxagent.api;

/**
 * Receives a process's output, on one host thread per process, in order: stdout lines (decoded
 * with {@link LineDecoder}: any chunking gives the same lines), then exactly one {@link #exited}
 * after stdout has ended and the process has exited. Callbacks must not block for long.
 */
public interface ProcessListener {

  /** One line of stdout, without its terminator. */
  void stdout(String line);

  /** One line of stderr; the default ignores it (the tail is kept for {@link ExitStatus}). */
  default void stderr(String line) {}

  /** The process has exited and its stdout is fully delivered. */
  void exited(ExitStatus status);
}
