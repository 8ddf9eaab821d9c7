package dev.sandboxagent.plugins.mock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventSink;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A host stand-in for session {@code s}: records every emitted batch and runs background tasks
 * either inline (synchronous) or on virtual threads that a test can interrupt and join.
 */
final class FakeSessionContext implements SessionContext, EventSink {

  final List<List<AgentEvent>> batches = new CopyOnWriteArrayList<>();
  final List<String> taskNames = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final boolean inline;

  private FakeSessionContext(boolean inline) {
    this.inline = inline;
  }

  /** Runs each background task to completion inside {@code runInBackground}. */
  static FakeSessionContext inline() {
    return new FakeSessionContext(true);
  }

  /** Runs each background task on its own virtual thread. */
  static FakeSessionContext threaded() {
    return new FakeSessionContext(false);
  }

  @Override
  public String sessionId() {
    return "s";
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

  @Override
  public EventSink events() {
    return this;
  }

  @Override
  public void emit(List<AgentEvent> batch) {
    batches.add(List.copyOf(batch));
  }

  @Override
  public void runInBackground(String name, Runnable task) {
    taskNames.add(name);
    if (inline) {
      task.run();
    } else {
      threads.add(Thread.ofVirtual().name(name).start(task));
    }
  }

  @Override
  public dev.sandboxagent.api.AgentProcess startProcess(
      dev.sandboxagent.api.ProcessSpec spec, dev.sandboxagent.api.ProcessListener listener) {
    throw new UnsupportedOperationException("the mock agent starts no process");
  }

  @Override
  public dev.sandboxagent.api.AgentProcess startSharedProcess(
      dev.sandboxagent.api.ProcessSpec spec, dev.sandboxagent.api.ProcessListener listener) {
    throw new UnsupportedOperationException("the mock agent starts no process");
  }

  @Override
  public Path binary() {
    return null;
  }

  @Override
  public Path workingDirectory() {
    return Path.of(".");
  }

  @Override
  public Map<String, String> environment() {
    return Map.of();
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public System.Logger logger() {
    return System.getLogger("mock-test");
  }

  /** Interrupts every background thread, as the host does when it closes a session. */
  void interruptAll() {
    threads.forEach(Thread::interrupt);
  }

  /** Waits for every background thread to finish. */
  void joinAll() throws InterruptedException {
    for (Thread thread : threads) {
      assertThat(thread.join(Duration.ofSeconds(10))).as("thread %s ended", thread.getName()).isTrue();
    }
  }
}
