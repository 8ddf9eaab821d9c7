package dev.sandboxagent.host.session;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.EventSink;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.SharedServer;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.host.agent.AgentStateDirectories;
import dev.sandboxagent.host.agent.SharedServers;
import dev.sandboxagent.host.process.HostProcess;
import dev.sandboxagent.host.process.ProcessScope;
import dev.sandboxagent.host.process.ProcessSupervisor;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the host gives one session's plugin: its settings, its event sink, and the threads and
 * processes it runs, all owned by the host and stopped with the session ({@link #stop}).
 */
final class HostSessionContext implements SessionContext, EventSink {

  private static final System.Logger LOG = System.getLogger(HostSessionContext.class.getName());

  private final Session session;
  private final Path binary;
  private final Path workingDirectory;
  private final Map<String, String> environment;
  private final ProcessSupervisor supervisor;
  private final SharedServers shared;
  private final AgentStateDirectories states;
  private final ProcessScope processes;
  private final Set<Thread> tasks = ConcurrentHashMap.newKeySet();
  private final Set<AgentOutput> agentProcesses = ConcurrentHashMap.newKeySet();

  HostSessionContext(Session session, Path binary, Path workingDirectory, Map<String, String> environment,
      SessionResources resources) {
    this.session = session;
    this.binary = binary;
    this.workingDirectory = workingDirectory;
    this.environment = environment;
    this.supervisor = resources.processes();
    this.shared = resources.sharedServers();
    this.states = resources.stateDirectories();
    this.processes = supervisor.newScope();
  }

  /** The agent processes the host drives for the session and that have not exited. */
  Set<AgentOutput> agentProcesses() {
    return agentProcesses;
  }

  /** Interrupts the session's tasks and stops its processes and whatever they started. */
  void stop() {
    for (Thread task : tasks) {
      task.interrupt();
    }
    processes.stop();
  }

  @Override
  public String sessionId() {
    return session.id();
  }

  @Override
  public String agentMode() {
    return session.settings().agentMode();
  }

  @Override
  public PermissionMode permissionMode() {
    return session.settings().permissionMode();
  }

  @Override
  public String model() {
    return session.settings().model();
  }

  @Override
  public String variant() {
    return session.settings().variant();
  }

  @Override
  public String resumeNativeSessionId() {
    return session.resumeNativeSessionId();
  }

  @Override
  public String nativeSessionId() {
    return session.conversationToContinue();
  }

  @Override
  public EventSink events() {
    return this;
  }

  @Override
  public void emit(List<AgentEvent> batch) {
    if (!session.closed()) {
      session.record(batch);
    }
  }

  @Override
  public void end(List<AgentEvent> batch) {
    session.endByAgent(batch);
  }

  @Override
  public void runInBackground(String name, Runnable task) {
    if (session.closed()) {
      return;
    }
    Thread thread = Thread.ofVirtual().name("session-" + session.id() + "-" + name).unstarted(() -> runTask(name, task));
    tasks.add(thread);
    thread.start();
  }

  private void runTask(String name, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      if (!session.closed()) {
        LOG.log(Level.ERROR, "task " + name + " of session " + session.id() + " failed", e);
        session.record(List.of(AgentEvent.synthetic(new EventData.Error(
            "agent task failed: " + e, "task_failed", null))));
      }
    } finally {
      tasks.remove(Thread.currentThread());
    }
  }

  @Override
  public AgentProcess startProcess(ProcessSpec spec, ProcessListener listener) {
    if (session.closed()) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "session " + session.id() + " is closed");
    }
    MeteredListener metered = new MeteredListener(listener, session.metrics());
    HostProcess process = processes.start(spec, environment, workingDirectory, metered,
        session.agent().id() + "-" + session.id());
    metered.started(process);
    return process;
  }

  @Override
  public AgentProcess startAgentProcess(ProcessSpec spec, EventTranslator translator) {
    AgentOutput output = new AgentOutput(session, translator);
    AgentProcess started = startProcess(spec, output);
    agentProcesses.add(output);
    session.turns().started(output);
    return output.ready(started);
  }

  @Override
  public AgentProcess startSharedProcess(ProcessSpec spec, ProcessListener listener) {
    String scope = session.tenant().scope();
    MeteredListener metered = new MeteredListener(listener, session.metrics());
    HostProcess process = supervisor.shared().start(spec, environment, workingDirectory, metered,
        session.agent().id() + "-shared" + (scope.isEmpty() ? "" : "-" + scope));
    metered.started(process);
    return process;
  }

  @Override
  public <S extends SharedServer> S sharedServer(Class<S> type, Supplier<S> create) {
    return shared.get(session.agent(), session.tenant().scope(), type, create, this);
  }

  @Override
  public void runShared(String name, Runnable task) {
    supervisor.runShared(session.agent().id() + "-" + name, task);
  }

  @Override
  public String sharingScope() {
    return session.tenant().scope();
  }

  @Override
  public Path stateDirectory() {
    try {
      return states.directory(session.agent().id(), session.tenant().scope());
    } catch (UncheckedIOException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, e.getMessage(), e);
    }
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
    return session.clock();
  }

  @Override
  public System.Logger logger() {
    return System.getLogger("dev.sandboxagent.plugins." + session.agent().id());
  }
}
