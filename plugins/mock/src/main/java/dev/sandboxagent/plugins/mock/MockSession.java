package dev.sandboxagent.plugins.mock;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.SessionContext;
import java.util.List;

/**
 * A mock session: each message gets the next counter value and its scripted steps, recorded one
 * step at a time on a host-owned thread with 200 ms after each step. Terminating the session
 * interrupts that thread, which cancels the steps still queued.
 */
final class MockSession implements AgentSession {

  /** How the session waits between steps; tests substitute one that does not sleep. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  static final Sleeper THREAD_SLEEP = Thread::sleep;
  static final long STEP_DELAY_MS = 200;

  private final SessionContext context;
  private final Sleeper sleeper;
  private int counter;
  private volatile boolean closed;

  MockSession(SessionContext context, Sleeper sleeper) {
    this.context = context;
    this.sleeper = sleeper;
  }

  @Override
  public String nativeSessionId() {
    return "mock-" + context.sessionId();
  }

  @Override
  public void send(String message) {
    if (closed) {
      return;
    }
    int k = ++counter;
    List<List<AgentEvent>> steps = MockScript.steps(k, message);
    if (steps.isEmpty()) {
      return;
    }
    context.runInBackground("mock-turn-" + k, () -> play(steps));
  }

  private void play(List<List<AgentEvent>> steps) {
    try {
      for (List<AgentEvent> step : steps) {
        if (closed) {
          return;
        }
        context.events().emit(step);
        sleeper.sleep(STEP_DELAY_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
