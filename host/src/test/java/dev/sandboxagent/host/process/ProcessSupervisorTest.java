package dev.sandboxagent.host.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessSupervisorTest {

  @Test
  void sharedTasksOutliveSessionsAndAreInterruptedAtShutdown() throws Exception {
    ProcessSupervisor supervisor = ProcessSupervisor.create();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    supervisor.runShared("subscription", () -> {
      started.countDown();
      try {
        Thread.sleep(Duration.ofMinutes(5));
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    supervisor.newScope().stop(); // a session's end leaves it running
    assertThat(supervisor.sharedTaskCount()).isEqualTo(1);

    supervisor.shutdown(Duration.ofMillis(100));
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (supervisor.sharedTaskCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(supervisor.sharedTaskCount()).isZero();
  }

  @Test
  void aSharedTaskThatFailsIsLoggedAndForgotten() throws Exception {
    ProcessSupervisor supervisor = ProcessSupervisor.create();
    supervisor.runShared("broken", () -> {
      throw new IllegalStateException("boom");
    });
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (supervisor.sharedTaskCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(supervisor.sharedTaskCount()).isZero();
    supervisor.shutdown(Duration.ofMillis(100));
  }
}
