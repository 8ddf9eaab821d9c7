package dev.sandboxagent.plugins.mock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventSink;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.EventData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockSessionTest {

  /** A host stand-in: records batches, runs tasks on threads it can interrupt. */
  static final class FakeContext implements SessionContext, EventSink {
    final List<List<AgentEvent>> batches = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override public String sessionId() { return "s"; }
    @Override public String agentMode() { return "build"; }
    @Override public PermissionMode permissionMode() { return PermissionMode.DEFAULT; }
    @Override public String model() { return null; }
    @Override public String variant() { return null; }
    @Override public EventSink events() { return this; }
    @Override public void emit(List<AgentEvent> batch) { batches.add(batch); }
    @Override public void runInBackground(String name, Runnable task) { threads.add(Thread.ofVirtual().start(task)); }
    @Override public Path binary() { return null; }
    @Override public Path workingDirectory() { return Path.of("."); }
    @Override public Map<String, String> environment() { return Map.of(); }
    @Override public Clock clock() { return Clock.systemUTC(); }
    @Override public System.Logger logger() { return System.getLogger("test"); }

    void join() throws InterruptedException {
      for (Thread t : threads) {
        assertThat(t.join(java.time.Duration.ofSeconds(5))).isTrue();
      }
    }
  }

  @Test
  void countsEveryMessageAndSleepsAfterEachStep() throws Exception {
    FakeContext ctx = new FakeContext();
    List<Long> sleeps = new CopyOnWriteArrayList<>();
    MockSession session = new MockSession(ctx, sleeps::add);
    assertThat(session.nativeSessionId()).isEqualTo("mock-s");
    session.send("   ");
    session.send("hello");
    ctx.join();
    assertThat(ctx.batches).hasSize(4);
    assertThat(((EventData.ItemStarted) ctx.batches.get(2).get(0).data()).item().nativeItemId()).isEqualTo("mock_2_reply");
    assertThat(sleeps).containsExactly(200L, 200L, 200L, 200L);
  }

  @Test
  void anInterruptCancelsTheRemainingSteps() throws Exception {
    FakeContext ctx = new FakeContext();
    CountDownLatch firstSleep = new CountDownLatch(1);
    MockSession session = new MockSession(ctx, ms -> {
      firstSleep.countDown();
      Thread.sleep(ms);
    });
    session.send("demo");
    assertThat(firstSleep.await(5, TimeUnit.SECONDS)).isTrue();
    ctx.threads.forEach(Thread::interrupt);
    ctx.join();
    assertThat(ctx.batches).hasSize(1);
    session.close();
    session.send("hello");
    assertThat(ctx.threads).hasSize(1);
  }

  @Test
  void installWritesThePlaceholderOnce(@TempDir Path dir) throws Exception {
    InstallContext ctx = new InstallContext() {
      @Override public Path installDir() { return dir; }
      @Override public boolean reinstall() { return false; }
      @Override public String version() { return null; }
      @Override public System.Logger logger() { return System.getLogger("test"); }
    };
    new MockAdapter().install(ctx);
    assertThat(Files.readString(dir.resolve("mock"))).isEqualTo("mock");
    Files.writeString(dir.resolve("mock"), "mine");
    new MockAdapter().install(ctx);
    assertThat(Files.readString(dir.resolve("mock"))).isEqualTo("mine");
  }
}
