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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An agent process owned by the host: output read on virtual threads and handed to the plugin's
 * listener line by line, a bounded stderr tail, and a stop that takes down everything the process
 * started.
 *
 * <p>Every process gets an identity that survives re-parenting: it runs in a session (and process
 * group) of its own when {@code setsid} is there, and carries a marker ({@code
 * SANDBOX_AGENT_PROCESS}) in its environment that its children inherit. A stop signals the process,
 * its tree, its process group and every process carrying its marker, so double-forked and
 * {@code nohup} children are stopped too (see {@link ProcessSweep} for what cannot be found).
 *
 * <p>The exit is watched apart from stdout: when the process has exited but something it left
 * behind still holds its stdout open, what is buffered is read for a short while, then what it left
 * behind is stopped, and {@code exited} follows with the real exit status. Lines are never
 * delivered after {@code exited}. The end of the stream is a real one: the JDK closes its end of a
 * process's pipe when the process exits, unless a read holds the stream at that moment, so a
 * stream could otherwise end while a child still holds the pipe; the readers hold their stream for
 * as long as they read it, and the program runs only once they do (see {@link Launcher}).
 */
public final class HostProcess implements AgentProcess {

  private static final System.Logger LOG = System.getLogger(HostProcess.class.getName());
  /** How long a stopped process may take to exit before it is killed. */
  public static final Duration GRACE = Duration.ofSeconds(2);
  /** How long stdout may stay open after the process has exited before what holds it is stopped. */
  static final Duration DRAIN = Duration.ofSeconds(1);
  /** How long a start waits for the output's readers before it lets the program run regardless. */
  private static final Duration GATE_WAIT = Duration.ofSeconds(10);

  private final Process process;
  private final String name;
  private final String marker;
  private final boolean ownGroup;
  private final ProcessListener listener;
  private final Consumer<HostProcess> onGone;
  private final OutputStream stdin;
  private final StderrTail tail = new StderrTail();
  private final CountDownLatch stdoutEnded = new CountDownLatch(1);
  private final CountDownLatch reading = new CountDownLatch(2);
  private final ReentrantLock delivery = new ReentrantLock();
  private final Thread stderrReader;
  private final Object stopLock = new Object();
  private Thread reaper;
  /** Whether the takedown had begun when the process exited: guarded by {@link #stopLock}. */
  private boolean stoppedBeforeExit;
  private boolean finished;
  private volatile boolean inputClosed;
  private volatile boolean groupGone;

  private HostProcess(Process process, String name, String marker, boolean ownGroup, ProcessListener listener,
      Consumer<HostProcess> onGone, ThreadFactory readers) {
    this.process = process;
    this.name = name;
    this.marker = marker;
    this.ownGroup = ownGroup;
    this.listener = listener;
    this.onGone = onGone;
    this.stdin = process.getOutputStream();
    this.stderrReader = readers.newThread(this::readStderr);
    stderrReader.setName(name + "-stderr");
  }

  /**
   * Starts {@code spec} with {@code marker}: the daemon's environment, then {@code baseEnvironment},
   * then the spec's own variables (null removes one), then the marker. {@code onGone} is called once
   * the process has exited and {@code exited} has been delivered.
   *
   * @throws AgentException {@code NOT_INSTALLED} when the program cannot be started
   */
  static HostProcess start(ProcessSpec spec, Map<String, String> baseEnvironment, Path defaultDirectory,
      ProcessListener listener, String name, String marker, Consumer<HostProcess> onGone) {
    return start(spec, baseEnvironment, defaultDirectory, listener, name, marker, onGone,
        Thread.ofVirtual().factory());
  }

  /** {@link #start}, with the threads that read the output made by {@code readers}. */
  static HostProcess start(ProcessSpec spec, Map<String, String> baseEnvironment, Path defaultDirectory,
      ProcessListener listener, String name, String marker, Consumer<HostProcess> onGone, ThreadFactory readers) {
    requireNonNull(listener, "listener is null");
    requireNonNull(marker, "marker is null");
    Path dir = spec.workingDirectory() != null ? spec.workingDirectory() : defaultDirectory;
    Launcher.Launch launch = Launcher.command(spec.command(), dir);
    ProcessBuilder builder = new ProcessBuilder(launch.command());
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
    env.put(ProcessSweep.MARKER, marker);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED,
          "cannot start " + spec.command().get(0) + ": " + e.getMessage(), e);
    }
    HostProcess hp = new HostProcess(process, name, marker, launch.ownGroup(), listener, onGone, readers);
    hp.stderrReader.start();
    Thread stdoutReader = readers.newThread(hp::readStdout);
    stdoutReader.setName(name + "-stdout");
    stdoutReader.start();
    Thread.ofVirtual().name(name + "-exit").start(hp::watchExit);
    if (launch.gated()) {
      hp.openGate();
    }
    return hp;
  }

  /** Lets the program run once both readers hold their stream. */
  private void openGate() {
    if (!await(reading, GATE_WAIT)) {
      LOG.log(System.Logger.Level.WARNING, "{0}: its output is not being read after {1}; starting it anyway",
          name, GATE_WAIT);
    }
    try {
      writeLine(""); // the line the gate reads
    } catch (AgentException e) {
      // it is gone already: its exit says so
    }
  }

  @Override
  public long pid() {
    return process.pid();
  }

  /** The marker this process and its children carry. */
  public String marker() {
    return marker;
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
    return tail.toString();
  }

  @Override
  public void stop() {
    takeDown();
  }

  /**
   * Whether the daemon had begun to stop the process when it exited (a stop, a terminate, an idle
   * timeout, the shutdown), rather than it exiting on its own; false until it has exited.
   */
  public boolean stoppedByHost() {
    synchronized (stopLock) {
      return stoppedBeforeExit;
    }
  }

  /** Stops the process and all it started, and waits until that is done or {@code limit} has passed. */
  public void stopAndWait(Duration limit) {
    join(takeDown(), limit);
  }

  /** Starts the takedown once (later calls return the same reaper): TERM, grace, KILL, verify. */
  private Thread takeDown() {
    synchronized (stopLock) {
      if (reaper == null) {
        closeInput();
        // The tree as it is now: children re-parented later are still found by marker and group.
        List<ProcessHandle> tree = process.descendants().toList();
        reaper = Thread.ofVirtual().name(name + "-reaper")
            .start(() -> ProcessSweep.takeDown(name, () -> targets(tree), GRACE));
      }
      return reaper;
    }
  }

  /** The process, its tree, its process group and everything carrying its marker. */
  private Set<ProcessHandle> targets(List<ProcessHandle> tree) {
    Set<ProcessHandle> targets = new HashSet<>(tree);
    if (process.isAlive()) {
      targets.add(process.toHandle());
      process.descendants().forEach(targets::add);
    }
    long group = process.pid();
    // Once the process has exited, its group is still its own while the pid is not in use again
    // (a pid is not reused while a group carries its number); once seen empty, it is gone for good.
    boolean alive = process.isAlive();
    boolean inGroup = ownGroup && !groupGone && (alive || ProcessHandle.of(group).isEmpty());
    boolean groupSeen = false;
    for (ProcessSweep.Entry entry : ProcessSweep.scan()) {
      boolean member = inGroup && entry.processGroup() == group;
      groupSeen |= member;
      if (member || ProcessSweep.belongs(entry.marker(), marker)) {
        ProcessHandle.of(entry.pid()).ifPresent(targets::add);
      }
    }
    if (!alive && !groupSeen) {
      groupGone = true;
    }
    return targets;
  }

  private void readStdout() {
    try {
      pump(process.getInputStream(), line -> deliverOutput(() -> listener.stdout(line)));
    } finally {
      stdoutEnded.countDown();
    }
  }

  /** Waits for the exit, then for stdout (stopping what holds it open), then delivers {@code exited}. */
  private void watchExit() {
    try {
      int code = awaitExit();
      synchronized (stopLock) {
        stoppedBeforeExit = reaper != null;
      }
      if (!await(stdoutEnded, DRAIN)) {
        LOG.log(System.Logger.Level.INFO, "{0} exited with {1} but what it left behind holds its output; "
            + "stopping that", name, code);
        join(takeDown(), GRACE.multipliedBy(3));
        if (!await(stdoutEnded, GRACE)) {
          LOG.log(System.Logger.Level.WARNING, "{0} exited but a process out of reach still holds its output; "
              + "the rest of its output is dropped", name);
        }
      }
      join(stderrReader, GRACE);
      ExitStatus status = new ExitStatus(code, null, stderrTail());
      delivery.lock();
      try {
        finished = true;
        deliver(() -> listener.exited(status));
      } finally {
        delivery.unlock();
      }
    } finally {
      onGone.accept(this);
    }
  }

  /** Waits for the exit (through {@code onExit}, which parks a virtual thread rather than pinning it). */
  private int awaitExit() {
    return process.onExit().join().exitValue();
  }

  private static boolean await(CountDownLatch latch, Duration limit) {
    try {
      return latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return latch.getCount() == 0;
    }
  }

  private static void join(Thread thread, Duration limit) {
    try {
      thread.join(limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readStderr() {
    pump(process.getErrorStream(), line -> {
      tail.add(line);
      deliverOutput(() -> listener.stderr(line));
    });
  }

  private void pump(InputStream in, Consumer<String> lines) {
    LineDecoder decoder = new LineDecoder();
    byte[] buffer = new byte[16 * 1024];
    // The stream's monitor is held from the first read to the end, lines being delivered included:
    // the JDK drains and closes a process's pipe when the process exits unless a read holds this
    // monitor, and a pipe closed that way would end the stream while a child still holds it.
    synchronized (in) {
      reading.countDown();
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          decoder.feed(buffer, 0, n).forEach(lines);
        }
      } catch (IOException e) {
        // the stream closed under us (the process was killed); what was read is delivered
      }
    }
    decoder.finish().forEach(lines);
  }

  /** Delivers output unless {@code exited} has been delivered (output is never delivered after it). */
  private void deliverOutput(Runnable callback) {
    delivery.lock();
    try {
      if (!finished) {
        deliver(callback);
      }
    } finally {
      delivery.unlock();
    }
  }

  private void deliver(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the listener of " + name + " failed", e);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
