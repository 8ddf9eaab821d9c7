package dev.sandboxagent.testkit;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.EventSink;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.LineDecoder;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A session context for tests of a plugin's session, as the host would give one: real processes
 * whose output reaches the listener line by line and whose exit is reported after their output,
 * background tasks on threads that {@link #close()} interrupts, and every emitted event recorded.
 * Closing it stops every process it started.
 */
public final class TestSessionContext implements SessionContext, EventSink, AutoCloseable {

  private final String sessionId;
  private final Path binary;
  private final Path workingDirectory;
  private final Map<String, String> environment;
  private final List<AgentEvent> events = new CopyOnWriteArrayList<>();
  private final List<Thread> tasks = new CopyOnWriteArrayList<>();
  private final List<TestProcess> processes = new CopyOnWriteArrayList<>();
  private final AtomicInteger exits = new AtomicInteger();
  private volatile Map<Class<?>, SharedServer> servers = new ConcurrentHashMap<>();
  private volatile AtomicReference<Path> stateDirectory = new AtomicReference<>();

  private TestSessionContext(String sessionId, Path binary, Path workingDirectory, Map<String, String> environment) {
    this.sessionId = requireNonNull(sessionId, "sessionId is null");
    this.binary = binary;
    this.workingDirectory = requireNonNull(workingDirectory, "workingDirectory is null");
    this.environment = Map.copyOf(environment);
  }

  /**
   * A context for session {@code sessionId} whose agent program is {@code binary}, with {@code
   * environment} added to the processes' (and returned by {@link #environment()}).
   */
  public static TestSessionContext of(String sessionId, Path binary, Path workingDirectory,
      Map<String, String> environment) {
    return new TestSessionContext(sessionId, binary, workingDirectory, environment);
  }

  /**
   * Makes this context share the servers of {@code other}, as the sessions of one sharing scope do
   * under the host; returns this context.
   */
  public TestSessionContext sharingServersWith(TestSessionContext other) {
    this.servers = other.servers;
    this.stateDirectory = other.stateDirectory;
    return this;
  }

  /** Makes {@code dir} the agent's {@link #stateDirectory()} (a new temporary one otherwise); returns this context. */
  public TestSessionContext withStateDirectory(Path dir) {
    this.stateDirectory = new AtomicReference<>(requireNonNull(dir, "dir is null"));
    return this;
  }

  /** Every event emitted so far, in order. */
  public List<AgentEvent> recorded() {
    return List.copyOf(events);
  }

  /**
   * Waits until an emitted event matches and returns it.
   *
   * @throws AssertionError when none does within {@code timeout}
   */
  public AgentEvent awaitEvent(Predicate<AgentEvent> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (AgentEvent event : events) {
        if (match.test(event)) {
          return event;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no matching event within " + timeout + " in " + events);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits until {@code count} processes have exited and their listeners have returned from
   * {@code exited}.
   *
   * @throws AssertionError when they have not within {@code timeout}
   */
  public void awaitExits(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (exits.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(exits.get() + " of " + count + " processes exited within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** The processes started so far, in order. */
  public List<AgentProcess> processes() {
    return List.copyOf(processes);
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public String agentMode() {
    return "build";
  }

  @Override
  public PermissionMode permissionMode() {
    return PermissionMode.DEFAULT;
  }

  @Override
  public String model() {
    return null;
  }

  @Override
  public String variant() {
    return null;
  }

  /** The latest native session id on an emitted event, as the host reports it; else null. */
  @Override
  public String nativeSessionId() {
    String id = null;
    for (AgentEvent event : events) {
      if (event.nativeSessionId() != null) {
        id = event.nativeSessionId();
      }
    }
    return id;
  }

  @Override
  public EventSink events() {
    return this;
  }

  @Override
  public void emit(List<AgentEvent> batch) {
    events.addAll(batch);
  }

  @Override
  public void runInBackground(String name, Runnable task) {
    tasks.add(Thread.ofVirtual().name(name).start(task));
  }

  @Override
  public AgentProcess startProcess(ProcessSpec spec, ProcessListener listener) {
    TestProcess process = TestProcess.start(spec, workingDirectory, environment, new ProcessListener() {
      @Override
      public void stdout(String line) {
        listener.stdout(line);
      }

      @Override
      public void stderr(String line) {
        listener.stderr(line);
      }

      @Override
      public void exited(ExitStatus status) {
        try {
          listener.exited(status);
        } finally {
          exits.incrementAndGet();
        }
      }
    });
    processes.add(process);
    return process;
  }

  /**
   * One server per type among the contexts sharing servers, started (once, without the host's
   * retries) when it is not running; its processes belong to the context that started it.
   */
  @Override
  public <S extends SharedServer> S sharedServer(Class<S> type, Supplier<S> create) {
    SharedServer server = servers.computeIfAbsent(type, t -> create.get());
    synchronized (server) {
      if (!server.isRunning()) {
        server.start(this);
      }
    }
    return type.cast(server);
  }

  /** The directory given by {@link #withStateDirectory}, else a temporary one made on the first call. */
  @Override
  public Path stateDirectory() {
    AtomicReference<Path> holder = stateDirectory;
    synchronized (holder) {
      try {
        if (holder.get() == null) {
          holder.set(Files.createTempDirectory("sandbox-agent-test-state-"));
        }
        return Files.createDirectories(holder.get());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }


  @Override
  public AgentProcess startSharedProcess(ProcessSpec spec, ProcessListener listener) {
    return startProcess(spec, listener);
  }

  @Override
  public Path binary() {
    return binary;
  }

  @Override
  public Path workingDirectory() {
    return workingDirectory;
  }

  @Override
  public Map<String, String> environment() {
    return environment;
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public System.Logger logger() {
    return System.getLogger("dev.sandboxagent.testkit");
  }

  /** Interrupts the background tasks and kills every process tree still running. */
  @Override
  public void close() {
    tasks.forEach(Thread::interrupt);
    processes.forEach(TestProcess::kill);
  }

  /** A real process: stdout delivered line by line, a stderr tail, then its exit. */
  private static final class TestProcess implements AgentProcess {
    private final Process process;
    private final OutputStream stdin;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final Thread stderrReader;

    private TestProcess(Process process, ProcessListener listener) {
      this.process = process;
      this.stdin = process.getOutputStream();
      this.stderrReader = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), line -> {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 40) {
            tail.removeFirst();
          }
        }
        listener.stderr(line);
      }));
    }

    static TestProcess start(ProcessSpec spec, Path defaultDirectory, Map<String, String> environment,
        ProcessListener listener) {
      ProcessBuilder builder = new ProcessBuilder(spec.command());
      builder.directory((spec.workingDirectory() != null ? spec.workingDirectory() : defaultDirectory).toFile());
      builder.environment().putAll(environment);
      spec.environment().forEach((k, v) -> {
        if (v == null) {
          builder.environment().remove(k);
        } else {
          builder.environment().put(k, v);
        }
      });
      TestProcess started;
      try {
        started = new TestProcess(builder.start(), listener);
      } catch (IOException e) {
        throw new AgentException(AgentException.Kind.NOT_INSTALLED, "cannot start " + spec.command().get(0), e);
      }
      Thread.ofVirtual().start(() -> {
        pump(started.process.getInputStream(), listener::stdout);
        try {
          int code = started.process.waitFor();
          started.stderrReader.join();
          listener.exited(new ExitStatus(code, null, started.stderrTail()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      return started;
    }

    private static void pump(InputStream in, Consumer<String> lines) {
      LineDecoder decoder = new LineDecoder();
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          decoder.feed(buffer, 0, n).forEach(lines);
        }
      } catch (IOException e) {
        // closed under us
      }
      decoder.finish().forEach(lines);
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public void writeLine(String line) {
      synchronized (stdin) {
        try {
          stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
          stdin.flush();
        } catch (IOException e) {
          throw new AgentException(AgentException.Kind.PROCESS_EXITED, "stdin is closed", e);
        }
      }
    }

    @Override
    public void closeInput() {
      synchronized (stdin) {
        try {
          stdin.close();
        } catch (IOException e) {
          // already closed
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
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }

    void kill() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
