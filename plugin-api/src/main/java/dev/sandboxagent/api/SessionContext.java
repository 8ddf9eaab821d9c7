package dev.sandboxagent.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

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
   * Starts a process owned by the host for this session (see {@link AgentProcess}); its output
   * goes to {@code listener}. Processes still running when the session is closed are stopped.
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
   * The sharing scope of this session: sessions of different scopes must never share a process or
   * any other state (each tenant of a shared daemon has its own scope, with its own environment
   * and credentials). A plugin running a shared server keeps one per scope. "" without tenants.
   */
  default String sharingScope() {
    return "";
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
