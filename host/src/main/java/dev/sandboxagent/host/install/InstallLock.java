package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One install of an agent at a time: within the process by a lock per agent, across processes (a
 * CLI install and a daemon, or two daemons) by a file lock on {@code <install dir>/.locks/<agent>.lock}.
 * A lock not had within the timeout fails the install rather than waiting for ever.
 */
final class InstallLock {

  private static final System.Logger LOG = System.getLogger(Installer.class.getName());

  private final InstallLayout layout;
  private final Duration timeout;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  InstallLock(InstallLayout layout, Duration timeout) {
    this.layout = requireNonNull(layout, "layout is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
  }

  /**
   * Runs {@code body} holding the agent's lock in this process and across processes.
   *
   * @throws InstallException when the lock cannot be had within the timeout
   */
  <T> T withLock(String agent, Installer.LockedBody<T> body) throws InstallException {
    ReentrantLock local = locks.computeIfAbsent(agent, k -> new ReentrantLock());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!local.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new InstallException("another install of " + agent + " is still running after " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstallException("interrupted while waiting for another install of " + agent, e);
    }
    try {
      Path lockFile = layout.lockFile(agent);
      Files.createDirectories(lockFile.getParent());
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = acquire(channel, agent, deadline);
        try {
          return body.run();
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new InstallException("io error: " + InstallFiles.describe(e), e);
    } finally {
      local.unlock();
    }
  }

  private FileLock acquire(FileChannel channel, String agent, long deadline) throws IOException, InstallException {
    boolean announced = false;
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // another installer of this process holds it
      }
      if (lock != null) {
        return lock;
      }
      if (!announced) {
        LOG.log(System.Logger.Level.INFO, "waiting for another process installing {0}", agent);
        announced = true;
      }
      if (System.nanoTime() > deadline) {
        throw new InstallException("another process is still installing " + agent + " after " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InstallException("interrupted while waiting for another install of " + agent, e);
      }
    }
  }
}
