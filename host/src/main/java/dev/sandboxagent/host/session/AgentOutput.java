package dev.sandboxagent.host.session;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The host-driven loop of one agent process: each stdout line through the plugin's translator,
 * each stderr line through its stderr hook, the results recorded batch by batch, and at the exit
 * the translator's last events and the session's fault rules ({@link Session#agentExited}). Nothing
 * is delivered before the translator holds the process handle ({@link #ready}).
 */
final class AgentOutput implements ProcessListener {

  private static final System.Logger LOG = System.getLogger(AgentOutput.class.getName());

  private final Session session;
  private final EventTranslator translator;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile AgentProcess process;
  private volatile boolean inputOpen = true;
  private volatile boolean exited;
  private volatile boolean silenced;
  /** Turns this process serves and turns it has ended: guarded by the session's {@link TurnWatch}. */
  int owned;
  int ended;

  AgentOutput(Session session, EventTranslator translator) {
    this.session = session;
    this.translator = translator;
  }

  /**
   * Hands {@code started} to the translator and lets its output through; returns the handle to give
   * the plugin.
   */
  AgentProcess ready(AgentProcess started) {
    this.process = started;
    Handle handle = new Handle(started);
    try {
      translator.started(handle);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the translator of session " + session.id() + " failed", e);
    } finally {
      ready.countDown();
    }
    return handle;
  }

  /** Whether a message handed to the agent now is written to this process. */
  boolean takesInput() {
    return inputOpen && !exited && !silenced;
  }

  /** Stops the process for its silence: what it reports on exit is no longer news. */
  void silence() {
    silenced = true;
    AgentProcess p = process;
    if (p != null) {
      p.stop();
    }
  }

  @Override
  public void stdout(String line) {
    awaitReady();
    session.turns().activity();
    session.recordFrom(this, translated(() -> translator.translate(line), line));
  }

  @Override
  public void stderr(String line) {
    awaitReady();
    session.turns().activity();
    session.recordFrom(this, translated(() -> translator.translateStderr(line), line));
  }

  @Override
  public void exited(ExitStatus status) {
    awaitReady();
    exited = true;
    List<AgentEvent> last = new ArrayList<>(translated(() -> translator.finish(status), null));
    if (silenced) {
      // the host has ended the turn already and the session goes on
      last.removeIf(e -> e.type() == EventType.ERROR || e.type() == EventType.SESSION_ENDED);
    }
    session.recordFrom(this, last);
    session.agentExited(this, status, silenced);
  }

  /** Calls the plugin's translator; a translator that fails yields an error, not a dead loop. */
  private List<AgentEvent> translated(Supplier<List<AgentEvent>> call, String line) {
    try {
      List<AgentEvent> events = call.get();
      return events == null ? List.of() : events;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "the translator of session " + session.id() + " failed", e);
      AgentEvent error = AgentEvent.synthetic(new EventData.Error("the agent's output could not be translated: " + e,
          "translator_failed", null));
      return List.of(line == null ? error : error.withRaw(Map.of("line", line)));
    }
  }

  private void awaitReady() {
    try {
      ready.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The plugin's handle: the process, with its stdin's closing noted for turn ownership. */
  private final class Handle implements AgentProcess {
    private final AgentProcess delegate;

    Handle(AgentProcess delegate) {
      this.delegate = delegate;
    }

    @Override
    public long pid() {
      return delegate.pid();
    }

    @Override
    public void writeLine(String line) {
      delegate.writeLine(line);
    }

    @Override
    public void closeInput() {
      inputOpen = false;
      delegate.closeInput();
    }

    @Override
    public boolean isAlive() {
      return delegate.isAlive();
    }

    @Override
    public String stderrTail() {
      return delegate.stderrTail();
    }

    @Override
    public void stop() {
      delegate.stop();
    }
  }
}
