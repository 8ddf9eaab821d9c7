package dev.sandboxagent.host.process;

import java.util.ArrayDeque;

/** The last lines a process wrote to stderr: at most 40 lines and about 8 KiB. Thread-safe. */
final class StderrTail {

  private static final int LINES = 40;
  private static final int CHARS = 8 * 1024;

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private int chars;

  /** Keeps {@code line} (cut to the size limit), dropping the oldest lines past the limits. */
  synchronized void add(String line) {
    String kept = line.length() > CHARS ? line.substring(0, CHARS) : line;
    lines.addLast(kept);
    chars += kept.length();
    while (lines.size() > LINES || (chars > CHARS && lines.size() > 1)) {
      chars -= lines.removeFirst().length();
    }
  }

  /** The kept lines, joined with newlines. */
  @Override
  public synchronized String toString() {
    return String.join("\n", lines);
  }
}
