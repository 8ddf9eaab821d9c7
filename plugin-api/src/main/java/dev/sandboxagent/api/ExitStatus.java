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

  /**
   * How the process ended, for people: {@code "status 3"} or {@code "signal 9"}.
   *
   * @since 1.2
   */
  public String describe() {
    return exitCode != null ? "status " + exitCode : signal != null ? "signal " + signal : "an unknown status";
  }

  /**
   * {@code "<program> exited with status 3: <stderr tail>"}, without the colon and tail when it
   * wrote nothing to stderr.
   *
   * @since 1.2
   */
  public String summary(String program) {
    String tail = stderrTail.strip();
    return program + " exited with " + describe() + (tail.isEmpty() ? "" : ": " + tail);
  }
}
