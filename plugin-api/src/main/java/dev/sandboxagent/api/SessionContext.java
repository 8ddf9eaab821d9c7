package dev.sandboxagent.api;

import dev.sandboxagent.api.event.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * What the host gives a session: its settings, its event sink and the host-owned resources a
 * plugin may use. Implemented by the host; plugins never implement it, so methods may be added.
 */
public interface SessionContext {

  /** The client's session id. */
  String sessionId();

  /** The normalized agent mode. */
  String agentMode();

  /** The normalized permission mode. */
  PermissionMode permissionMode();

  /** The model requested by the client, or null. */
  String model();

  /** The model variant requested by the client, or null. */
  String variant();

  /**
   * The agent's own session id to continue, or null for a new conversation. Set when the host
   * reopens a session it stored before a restart: the id the agent reported for it then (the one
   * {@link AgentSession#nativeSessionId()} returned or the first events carried). A plugin whose
   * agent can resume a conversation passes it on (Claude Code's {@code --resume}, say); one that
   * cannot starts afresh, and the session's log still holds everything recorded before.
   */
  default String resumeNativeSessionId() {
    return null;
  }

  /**
   * The agent's own session id as the host knows it now: the latest one recorded on the session's
   * events (or returned by {@link AgentSession#nativeSessionId()}), else {@link
   * #resumeNativeSessionId()}; null when none is known yet. A plugin that starts its agent again
   * (after a crash, say) continues this conversation rather than tracking the id itself.
   *
   * @since 1.1
   */
  default String nativeSessionId() {
    return resumeNativeSessionId();
  }

  /** Where the session's events go. */
  EventSink events();

  /**
   * Runs {@code task} on a host-owned thread. The host interrupts it when the session is closed or
   * the daemon stops, so tasks must end promptly when interrupted (sleeping and blocking calls throw
   * {@link InterruptedException}). An exception escaping the task is logged and recorded as an
   * {@code error} event.
   */
  void runInBackground(String name, Runnable task);

  /**
   * Starts the agent's process for this session and drives it: the host decodes its stdout into
   * lines, hands each to {@code translator} ({@link EventTranslator#translate}; stderr lines to
   * {@link EventTranslator#translateStderr}) and records each result as one batch (a batch ending
   * with {@code session.ended} ends the session, as {@link EventSink#end} does). When the process
   * has exited and its output is drained, {@link EventTranslator#finish} closes what is open. The
   * translator is called on one host thread, never concurrently, first with {@link
   * EventTranslator#started} and the process handle, then with the output.
   *
   * <p>The host applies the same fault rules to every agent:
   *
   * <ul>
   *   <li>A process that exits with status 0 while a turn is open (a message was sent and no
   *       {@code turn.completed}, {@code session.idle} or, for agents whose assistant message ends
   *       the turn, no assistant message has come since) ends the turn with an {@code error} of code
   *       {@code process_exit} carrying its stderr tail. A failed exit is the translator's to
   *       report (its {@code finish}); it ends the turn too.
   *   <li>A turn that yields nothing (no event, no line on stdout or stderr) for the agent's idle
   *       timeout ({@link AgentDescriptor#idleTimeout()}), while no question or permission awaits
   *       the user, ends with an {@code error} of code {@code idle_timeout}; the host stops the
   *       session's agent processes (their {@code finish} then records neither an {@code error} nor
   *       a {@code session.ended}: the session goes on) and calls {@link AgentSession#interruptTurn}.
   *   <li>A descendant that keeps stdout open after the process has exited does not hold the
   *       session: the exit is reported all the same and the descendant is stopped.
   * </ul>
   *
   * Processes still running when the session is closed are stopped.
   *
   * @throws AgentException of kind {@link AgentException.Kind#NOT_INSTALLED} when the program cannot
   *     be started
   * <p>The default, for contexts other than the host's (a plugin's own test doubles), drives the
   * process through {@link #startProcess} and {@link #events()} without the fault rules.
   *
   * @since 1.1
   */
  default AgentProcess startAgentProcess(ProcessSpec spec, EventTranslator translator) {
    CountDownLatch ready = new CountDownLatch(1);
    Object order = new Object();
    AgentProcess process = startProcess(spec, new ProcessListener() {
      @Override
      public void stdout(String line) {
        deliver(() -> translator.translate(line));
      }

      @Override
      public void stderr(String line) {
        deliver(() -> translator.translateStderr(line));
      }

      @Override
      public void exited(ExitStatus status) {
        deliver(() -> translator.finish(status));
      }

      private void deliver(Supplier<List<AgentEvent>> call) {
        try {
          ready.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        synchronized (order) {
          List<AgentEvent> batch = call.get();
          if (batch.isEmpty()) {
            return;
          }
          if (batch.get(batch.size() - 1).type() == EventType.SESSION_ENDED) {
            events().end(batch);
          } else {
            events().emit(batch);
          }
        }
      }
    });
    try {
      translator.started(process);
    } finally {
      ready.countDown();
    }
    return process;
  }

  /**
   * Starts a process owned by the host for this session (see {@link AgentProcess}); its output
   * goes to {@code listener}. Prefer {@link #startAgentProcess}, which also applies the fault rules,
   * unless the process is not the agent itself (a helper the plugin talks to in its own protocol). Processes still running when the session is closed are stopped.
   *
   * @throws AgentException of kind {@link AgentException.Kind#NOT_INSTALLED} when the program cannot
   *     be started
   */
  AgentProcess startProcess(ProcessSpec spec, ProcessListener listener);

  /**
   * Starts a process owned by the daemon rather than this session, for a server shared by every
   * session of an agent: it outlives the session and is stopped when the daemon stops.
   *
   * @throws AgentException of kind {@link AgentException.Kind#NOT_INSTALLED} when the program cannot
   *     be started
   */
  AgentProcess startSharedProcess(ProcessSpec spec, ProcessListener listener);

  /**
   * The agent's server shared by every session of this session's sharing scope, running: {@code
   * create} makes it on first use, later calls (from any session of the scope) return the same
   * object, and the host starts it ({@link SharedServer#start}) whenever it is not running, so a
   * session asks for it each time it needs it rather than keeping it. The host shows its state in
   * {@code GET /v1/agents} and closes it when the daemon stops. {@code type} tells apart the
   * servers of one agent, should it run several. The default, for contexts other than the host's,
   * makes and starts a new one on every call.
   *
   * @throws AgentException when the server cannot be started
   * @since 1.1
   */
  default <S extends SharedServer> S sharedServer(Class<S> type, Supplier<S> create) {
    S server = create.get();
    server.start(this);
    return server;
  }

  /**
   * Runs {@code task} on a host-owned thread that belongs to the daemon rather than this session,
   * for the background work of a server shared by sessions (its event subscription, say): it
   * outlives the session and is interrupted when the daemon stops, so it must end promptly when
   * interrupted. An exception escaping it is logged. The default runs it as {@link
   * #runInBackground} does.
   *
   * @since 1.1
   */
  default void runShared(String name, Runnable task) {
    runInBackground(name, task);
  }

  /**
   * The sharing scope of this session: sessions of different scopes must never share a process or
   * any other state (each tenant of a shared daemon has its own scope, with its own environment
   * and credentials). A plugin running a shared server keeps one per scope. "" without tenants.
   */
  default String sharingScope() {
    return "";
  }

  /**
   * A directory this agent keeps its own state in (its conversations, settings, caches), one per
   * agent and sharing scope so tenants never share one, created on the first call. A durable daemon
   * keeps it under its data directory ({@code agents/<agent>/<tenant>}), so an agent whose program
   * stores its conversations there continues them after a restart; an ephemeral daemon removes it
   * when it stops. The default, for contexts other than the host's, is a directory of the sharing
   * scope under the system's temporary directory.
   *
   * @throws AgentException when it cannot be created
   * @since 1.3
   */
  default Path stateDirectory() {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "sandbox-agent-state",
        sharingScope().isEmpty() ? "_default" : sharingScope());
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The resolved path of the agent's program, or null when it is not installed or builtin. */
  Path binary();

  /** The working directory for the agent. */
  Path workingDirectory();

  /** Extra environment for agent processes (discovered credentials, tenant settings). */
  Map<String, String> environment();

  /** The clock to use for anything time-related. */
  Clock clock();

  /** A logger for the plugin; never log secrets. */
  System.Logger logger();

  /** The SPI version of the running host. */
  default String spiVersion() {
    return Spi.version();
  }
}
