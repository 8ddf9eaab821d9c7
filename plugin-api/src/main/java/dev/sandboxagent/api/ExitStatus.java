package dev.sandboxagent.api;

/**
 * How an agent process ended.
 *
 * @param exitCode the exit code, or null when the process was killed by a signal
 * @param signal the signal number, or null
 * @param stderrTail the last lines the process wrote to stderr (may be empty)
 */
public record ExitStatus(Integer exitCode, Integer signal, String stderrTail) {

  /** Validates the status. */
  public ExitStatus {
    stderrTail = stderrTail == null ? "" : stderrTail;
  }

  /** Whether the process exited with code 0. */
  public boolean success() {
    return exitCode != null && exitCode == 0;
  }
}
