package dev.sandboxagent.host.process;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.LineDecoder;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An agent process owned by the host: output read on virtual threads and handed to the plugin's
 * listener line by line, a bounded stderr tail, and a stop that takes the whole process tree down
 * (the tree is captured before the parent dies, since orphans are re-parented and would escape).
 * Every live process is tracked so that daemon shutdown can stop them all.
 */
public final class HostProcess implements AgentProcess {

  private static final System.Logger LOG = System.getLogger(HostProcess.class.getName());
  private static final Set<HostProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final int TAIL_LINES = 40;
  private static final int TAIL_CHARS = 8 * 1024;
  /** How long a stopped process may take to exit before it is killed. */
  public static final Duration GRACE = Duration.ofSeconds(2);

  private final Process process;
  private final String name;
  private final ProcessListener listener;
  private final OutputStream stdin;
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Thread stderrReader;
  private volatile boolean inputClosed;
  private volatile boolean stopping;

  private HostProcess(Process process, String name, ProcessListener listener) {
    this.process = process;
    this.name = name;
    this.listener = listener;
    this.stdin = process.getOutputStream();
    this.stderrReader = Thread.ofVirtual().name(name + "-stderr").unstarted(this::readStderr);
  }

  /**
   * Starts {@code spec}: the daemon's environment, then {@code baseEnvironment}, then the spec's own
   * variables (null removes one).
   *
   * @throws AgentException {@code NOT_INSTALLED} when the program cannot be started
   */
  public static HostProcess start(ProcessSpec spec, Map<String, String> baseEnvironment, Path defaultDirectory,
      ProcessListener listener, String name) {
    requireNonNull(listener, "listener is null");
    ProcessBuilder builder = new ProcessBuilder(spec.command());
    Path dir = spec.workingDirectory() != null ? spec.workingDirectory() : defaultDirectory;
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    Map<String, String> env = builder.environment();
    env.putAll(baseEnvironment);
    spec.environment().forEach((k, v) -> {
      if (v == null) {
        env.remove(k);
      } else {
        env.put(k, v);
      }
    });
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED,
          "cannot start " + spec.command().get(0) + ": " + e.getMessage(), e);
    }
    HostProcess hp = new HostProcess(process, name, listener);
    LIVE.add(hp);
    hp.stderrReader.start();
    Thread.ofVirtual().name(name + "-stdout").start(hp::readStdout);
    return hp;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public void writeLine(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (stdin) {
      if (inputClosed || !process.isAlive()) {
        throw new AgentException(AgentException.Kind.PROCESS_EXITED, name + " is not accepting input");
      }
      try {
        stdin.write(bytes);
        stdin.flush();
      } catch (IOException e) {
        throw new AgentException(AgentException.Kind.PROCESS_EXITED, name + " closed its input: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void closeInput() {
    synchronized (stdin) {
      if (inputClosed) {
        return;
      }
      inputClosed = true;
      try {
        stdin.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public String stderrTail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  @Override
  public void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    List<ProcessHandle> tree = process.descendants().toList();
    closeInput();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    Thread.ofVirtual().name(name + "-reaper").start(() -> {
      try {
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.log(System.Logger.Level.DEBUG, "{0} ignored the termination signal; killing it", name);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      kill(tree);
    });
  }

  /** Stops the tree and waits for it, killing whatever is left after {@code grace}. */
  public void stopAndWait(Duration grace) {
    List<ProcessHandle> tree = process.descendants().toList();
    stop();
    try {
      process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill(tree);
  }

  private void kill(List<ProcessHandle> tree) {
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** Stops every process the host still runs (daemon shutdown). */
  public static void stopAll(Duration grace) {
    List<HostProcess> all = List.copyOf(LIVE);
    all.forEach(HostProcess::stop);
    long deadline = System.nanoTime() + grace.toNanos();
    for (HostProcess p : all) {
      long left = Math.max(0, deadline - System.nanoTime());
      p.stopAndWait(Duration.ofNanos(left));
    }
  }

  /** How many processes are running (for tests and diagnostics). */
  public static int liveCount() {
    return LIVE.size();
  }

  private void readStdout() {
    try {
      pump(process.getInputStream(), line -> deliver(() -> listener.stdout(line)));
      int code;
      try {
        code = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopAndWait(GRACE);
        code = process.exitValue();
      }
      try {
        stderrReader.join(GRACE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ExitStatus status = new ExitStatus(code, null, stderrTail());
      deliver(() -> listener.exited(status));
    } finally {
      LIVE.remove(this);
    }
  }

  private void readStderr() {
    pump(process.getErrorStream(), line -> {
      synchronized (tail) {
        tail.addLast(line.length() > TAIL_CHARS ? line.substring(0, TAIL_CHARS) : line);
        int chars = tail.stream().mapToInt(String::length).sum();
        while (tail.size() > TAIL_LINES || (chars > TAIL_CHARS && tail.size() > 1)) {
          chars -= tail.removeFirst().length();
        }
      }
      deliver(() -> listener.stderr(line));
    });
  }

  private void pump(InputStream in, Consumer<String> lines) {
    LineDecoder decoder = new LineDecoder();
    byte[] buffer = new byte[16 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        decoder.feed(buffer, 0, n).forEach(lines);
      }
    } catch (IOException e) {
      // the stream closed under us (the process was killed); what was read is delivered
    }
    decoder.finish().forEach(lines);
  }

  private void deliver(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the listener of " + name + " failed", e);
    }
  }
}
