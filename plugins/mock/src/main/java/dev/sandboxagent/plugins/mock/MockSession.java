package dev.sandboxagent.plugins.mock;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.SessionContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mock session. Every accepted message, even a blank one, takes the next
 * counter value {@code k}; its first step (the user's message) is recorded before {@link #send}
 * returns, so the host can acknowledge the message once it is stored, and the others one batch at a
 * time by a host-owned background task; 200 ms pass after each step, so steps of concurrent
 * messages interleave. A session the host reopens after a restart simply goes on: the mock keeps no
 * conversation to resume. Closing the
 * session makes the host interrupt that task, which cancels the steps still queued (the reference
 * left them running after a terminate).
 */
final class MockSession implements AgentSession {

  /** How the background task waits after a step; tests substitute one that does not sleep. */
  @FunctionalInterface
  interface Sleeper {
    /** Waits {@code millis} milliseconds; throws when the waiting thread is interrupted. */
    void sleep(long millis) throws InterruptedException;
  }

  /** The production sleeper. */
  static final Sleeper THREAD_SLEEP = Thread::sleep;

  /** The pause after every step. */
  static final long STEP_DELAY_MILLIS = 200;

  /** The name under which turns run in the background. */
  static final String TASK_NAME = "mock-turn";

  private final SessionContext context;
  private final Sleeper sleeper;
  private final AtomicInteger counter = new AtomicInteger();
  private volatile boolean closed;

  MockSession(SessionContext context, Sleeper sleeper) {
    this.context = requireNonNull(context, "context is null");
    this.sleeper = requireNonNull(sleeper, "sleeper is null");
  }

  @Override
  public String nativeSessionId() {
    return "mock-" + context.sessionId();
  }

  /**
   * Records the message's first step, schedules the others and returns; does nothing once the
   * session is closed.
   */
  @Override
  public void send(String message) {
    send(message, List.of());
  }

  /** As {@link #send(String)}; the script first describes the attachments (see {@link MockScript}). */
  @Override
  public void send(String message, List<Attachment> attachments) {
    requireNonNull(message, "message is null");
    if (closed) {
      return;
    }
    int k = counter.incrementAndGet();
    List<List<AgentEvent>> steps = MockScript.steps(k, message, attachments);
    if (!steps.isEmpty()) {
      context.events().emit(steps.get(0));
      context.runInBackground(TASK_NAME, () -> play(steps.subList(1, steps.size())));
    }
  }

  /** Repeats the answers to the request of {@code multi-question}; other answers need nothing. */
  @Override
  public void replyQuestion(PendingQuestion question, List<List<String>> answers) {
    List<List<AgentEvent>> steps = MockScript.answered(question, answers);
    if (!steps.isEmpty() && !closed) {
      context.runInBackground(TASK_NAME, () -> play(steps));
    }
  }

  private void play(List<List<AgentEvent>> rest) {
    try {
      sleeper.sleep(STEP_DELAY_MILLIS);
      for (List<AgentEvent> step : rest) {
        if (closed) {
          return;
        }
        context.events().emit(step);
        sleeper.sleep(STEP_DELAY_MILLIS);
      }
    } catch (InterruptedException e) {
      // The session was closed: the remaining steps are cancelled. Keep the flag for the host.
      Thread.currentThread().interrupt();
    }
  }

  /** Stops scheduling; the host interrupts the background tasks still running. */
  @Override
  public void close() {
    closed = true;
  }
}
