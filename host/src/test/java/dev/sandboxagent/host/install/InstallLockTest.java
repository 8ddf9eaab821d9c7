package dev.sandboxagent.host.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two locks over one install directory stand for two processes installing at once. */
@Timeout(30)
class InstallLockTest {

  @TempDir Path installDir;

  /** Holds the agent's lock on another thread until the returned latch is counted down. */
  private CountDownLatch holdOnAnotherThread(InstallLock lock, String agent) throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture.runAsync(() -> {
      try {
        lock.withLock(agent, () -> {
          held.countDown();
          try {
            return release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
      } catch (InstallException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  @Test
  void anotherProcessHoldingTheLockFailsTheInstallAfterTheTimeout() throws Exception {
    InstallLayout layout = new InstallLayout(installDir);
    CountDownLatch release = holdOnAnotherThread(new InstallLock(layout, Duration.ofSeconds(30)), "fake");
    try {
      assertThatThrownBy(() -> new InstallLock(layout, Duration.ofSeconds(1)).withLock("fake", () -> "ran"))
          .isInstanceOf(InstallException.class)
          .hasMessage("another process is still installing fake after 1 s");
    } finally {
      release.countDown();
    }
    assertThat(Files.isRegularFile(installDir.resolve(".locks/fake.lock"))).isTrue();
  }

  @Test
  void theLockIsHadOnceTheOtherInstallEnds() throws Exception {
    InstallLayout layout = new InstallLayout(installDir);
    CountDownLatch release = holdOnAnotherThread(new InstallLock(layout, Duration.ofSeconds(30)), "fake");
    CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
      try {
        return new InstallLock(layout, Duration.ofSeconds(20)).withLock("fake", () -> "ran");
      } catch (InstallException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(second).isNotDone();
    release.countDown();
    assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo("ran");
  }

  @Test
  void installsOfOtherAgentsDoNotWait() throws Exception {
    InstallLock lock = new InstallLock(new InstallLayout(installDir), Duration.ofSeconds(1));
    CountDownLatch release = holdOnAnotherThread(lock, "fake");
    try {
      assertThat(lock.withLock("other", () -> "ran")).isEqualTo("ran");
    } finally {
      release.countDown();
    }
  }
}
