package dev.sandboxagent.host.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Finds processes by what survives re-parenting, reading {@code /proc}: the marker in their
 * environment ({@value #MARKER}, inherited by every child that keeps its environment) and their
 * process group. And takes a set of processes down: a termination signal, a grace period, then a
 * kill for whatever is still there, looked up again, until nothing is left.
 *
 * <p>Only processes of the daemon's own user can be read (root reads all). A process that starts a
 * new session or process group of its own <em>and</em> clears its environment cannot be told apart
 * from any other process and escapes; so does anything on a system without {@code /proc}, where
 * only the process tree as it is at stop time is reached.
 */
final class ProcessSweep {

  /** The environment variable that carries a process's marker. */
  static final String MARKER = "SANDBOX_AGENT_PROCESS";

  private static final System.Logger LOG = System.getLogger(ProcessSweep.class.getName());
  private static final Path PROC = Path.of("/proc");
  private static final byte[] KEY = (MARKER + "=").getBytes(StandardCharsets.US_ASCII);
  private static final long SELF = ProcessHandle.current().pid();
  private static final boolean AVAILABLE = Files.isReadable(PROC.resolve("self").resolve("stat"));
  private static final long POLL_MILLIS = 25;
  private static final Duration KILL_WAIT = Duration.ofSeconds(1);
  private static final int KILL_ROUNDS = 3;

  private ProcessSweep() {}

  /**
   * One process as {@code /proc} shows it.
   *
   * @param marker the value of {@value #MARKER} in its environment, or null
   */
  record Entry(long pid, long processGroup, String marker) {}

  /** Whether {@code /proc} can be read here. */
  static boolean available() {
    return AVAILABLE;
  }

  /** Whether a process's {@code marker} is {@code scope} or lies beneath it ({@code scope:…}). */
  static boolean belongs(String marker, String scope) {
    return marker != null && marker.startsWith(scope)
        && (marker.length() == scope.length() || marker.charAt(scope.length()) == ':');
  }

  /** Every running process but this one (zombies are not running). Empty without {@code /proc}. */
  static List<Entry> scan() {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
      for (Path dir : dirs) {
        long pid = pidOf(dir.getFileName().toString());
        if (pid <= 0 || pid == SELF) {
          continue;
        }
        long group = processGroup(pid);
        if (group >= 0) {
          entries.add(new Entry(pid, group, marker(dir)));
        }
      }
    } catch (IOException | DirectoryIteratorException e) {
      // no /proc: nothing can be found beyond the process tree
    }
    return entries;
  }

  /** The running processes that carry {@code scope}'s marker or one beneath it. */
  static Set<ProcessHandle> marked(String scope) {
    Set<ProcessHandle> found = new HashSet<>();
    for (Entry entry : scan()) {
      if (belongs(entry.marker(), scope)) {
        ProcessHandle.of(entry.pid()).ifPresent(found::add);
      }
    }
    return found;
  }

  /** Whether the process runs (a zombie, dead but not yet reaped by its parent, does not). */
  static boolean running(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    return !AVAILABLE || processGroup(handle.pid()) >= 0;
  }

  /**
   * Takes down what {@code find} names: a termination signal, up to {@code grace} for it to exit,
   * then a kill for whatever is still running or {@code find} names anew, a few rounds until nothing
   * is left. Blocks until then; returns whether nothing is left.
   */
  static boolean takeDown(String what, Supplier<? extends Collection<ProcessHandle>> find, Duration grace) {
    Set<ProcessHandle> targets = new HashSet<>(find.get());
    targets.removeIf(h -> h.pid() == SELF);
    targets.forEach(ProcessHandle::destroy);
    awaitGone(targets, grace);
    for (int round = 0; round < KILL_ROUNDS; round++) {
      Set<ProcessHandle> left = new HashSet<>(find.get());
      left.addAll(targets);
      left.removeIf(h -> h.pid() == SELF || !running(h));
      if (left.isEmpty()) {
        return true;
      }
      LOG.log(System.Logger.Level.DEBUG, "{0}: killing {1} process(es) still running", what, left.size());
      left.forEach(ProcessHandle::destroyForcibly);
      targets.addAll(left);
      awaitGone(left, KILL_WAIT);
    }
    List<Long> survivors = new ArrayList<>();
    for (ProcessHandle h : find.get()) {
      if (h.pid() != SELF && running(h)) {
        survivors.add(h.pid());
      }
    }
    if (survivors.isEmpty()) {
      return true;
    }
    LOG.log(System.Logger.Level.WARNING, "{0}: processes {1} survived the kill", what, survivors);
    return false;
  }

  private static void awaitGone(Collection<ProcessHandle> handles, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (handles.stream().anyMatch(ProcessSweep::running) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static long pidOf(String name) {
    if (name.isEmpty() || name.length() > 18) {
      return -1;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(name);
  }

  /** The process group from {@code /proc/<pid>/stat}, or -1 when the process is gone or a zombie. */
  private static long processGroup(long pid) {
    String stat;
    try {
      stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so split after the last ')'
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return -1;
    }
    String[] fields = stat.substring(close + 1).trim().split(" ", 4);
    if (fields.length < 3 || fields[0].equals("Z") || fields[0].equals("X")) {
      return -1;
    }
    try {
      return Long.parseLong(fields[2]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String marker(Path dir) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(dir.resolve("environ"));
    } catch (IOException | RuntimeException e) {
      return null; // another user's process, or gone
    }
    for (int start = 0; start < environ.length; ) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      if (end - start >= KEY.length && startsWithKey(environ, start)) {
        return new String(environ, start + KEY.length, end - start - KEY.length, StandardCharsets.UTF_8);
      }
      start = end + 1;
    }
    return null;
  }

  private static boolean startsWithKey(byte[] bytes, int at) {
    for (int i = 0; i < KEY.length; i++) {
      if (bytes[at + i] != KEY[i]) {
        return false;
      }
    }
    return true;
  }
}
