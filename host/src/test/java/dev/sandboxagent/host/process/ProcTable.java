package dev.sandboxagent.host.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads {@code /proc} for tests: which processes run, and which carry a marker. */
public final class ProcTable {

  private static final String KEY = "SANDBOX_AGENT_PROCESS=";

  private ProcTable() {}

  /** Whether {@code pid} runs (a zombie does not). */
  public static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  /** The running processes whose environment carries {@code marker} or a marker beneath it. */
  public static List<Long> carrying(String marker) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        String environ;
        try {
          environ = new String(Files.readAllBytes(dir.resolve("environ")), StandardCharsets.UTF_8);
        } catch (IOException e) {
          continue;
        }
        for (String variable : environ.split("\0")) {
          if ((variable.equals(KEY + marker) || variable.startsWith(KEY + marker + ":")) && running(pid)) {
            pids.add(pid);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }

  /** Waits (15 s at most) until none of {@code pids} runs and nothing carries {@code marker}. */
  public static void awaitGone(Collection<Long> pids, String marker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while ((pids.stream().anyMatch(ProcTable::running) || !carrying(marker).isEmpty())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(pids).as("processes still running").noneMatch(ProcTable::running);
    assertThat(carrying(marker)).as("processes carrying " + marker).isEmpty();
  }

  /** Waits (15 s at most) until none of {@code pids} runs. */
  public static void awaitGone(Collection<Long> pids) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (pids.stream().anyMatch(ProcTable::running) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(pids).as("processes still running").noneMatch(ProcTable::running);
  }
}
