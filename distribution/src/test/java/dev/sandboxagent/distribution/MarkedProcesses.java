package dev.sandboxagent.distribution;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The processes of one test's daemon, found through {@code /proc} by a variable set in the daemon's
 * environment: every process it starts inherits it (agents, their servers, the commands their tools
 * run), and keeps it when re-parented, so a process that escaped the daemon's tree is found too.
 */
final class MarkedProcesses {

  static final String VARIABLE = "SANDBOX_AGENT_TEST_MARK";

  /** A running process: its id and its command line, arguments joined by spaces. */
  record Proc(long pid, String command) {}

  private final String marker = UUID.randomUUID().toString();
  private final byte[] entry = (VARIABLE + "=" + marker).getBytes(StandardCharsets.UTF_8);

  /** Skips the calling test (JUnit assumption) where there is no {@code /proc} to look in. */
  MarkedProcesses() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc: processes cannot be checked here");
  }

  /** The variable to add to the daemon's environment. */
  Map<String, String> environment() {
    return Map.of(VARIABLE, marker);
  }

  /** The marked processes whose command line matches (zombies have none and never match). */
  List<Proc> running(Predicate<String> command) {
    return scan(command, true);
  }

  private List<Proc> scan(Predicate<String> command, boolean markedOnly) {
    List<Proc> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path dir : entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          if (markedOnly && !carriesMarker(Files.readAllBytes(dir.resolve("environ")))) {
            continue;
          }
          String cmd = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8)
              .replace('\0', ' ').strip();
          if (!cmd.isEmpty() && command.test(cmd)) {
            found.add(new Proc(Long.parseLong(dir.getFileName().toString()), cmd));
          }
        } catch (IOException | SecurityException e) {
          // exited meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return found;
  }

  /** Every marked process except those with these ids (such as the daemon itself). */
  List<Proc> runningExcept(long... pids) {
    List<Proc> all = running(cmd -> true);
    all.removeIf(p -> Arrays.stream(pids).anyMatch(pid -> pid == p.pid()));
    return all;
  }

  /** Each process with its ancestors ({@code pid command < ppid command < …}), for failure messages. */
  static String ancestry(List<Proc> procs) {
    StringBuilder out = new StringBuilder();
    for (Proc p : procs) {
      out.append("\n  ").append(p.pid()).append(' ').append(p.command());
      long pid = p.pid();
      for (int depth = 0; depth < 8 && pid > 1; depth++) {
        try {
          String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
          pid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
          String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
              StandardCharsets.UTF_8).replace('\0', ' ').strip();
          out.append(" < ").append(pid).append(' ').append(cmd.length() > 80 ? cmd.substring(0, 80) + "…" : cmd);
        } catch (IOException | RuntimeException e) {
          break;
        }
      }
    }
    return out.toString();
  }

  /** Waits until a marked process matches; fails after {@code timeout}. */
  Proc awaitRunning(Predicate<String> command, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      List<Proc> found = running(command);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching process in " + timeout + "; marked processes: " + running(cmd -> true)
        + "; matching processes without the mark: " + scan(command, false));
  }

  /** Waits until {@code list} comes back empty; returns what is still there after {@code timeout}. */
  static List<Proc> awaitNone(Supplier<List<Proc>> list, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Proc> left = list.get();
    while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(50);
      left = list.get();
    }
    return left;
  }

  private boolean carriesMarker(byte[] environ) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length && Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }
}
