package dev.sandboxagent.host.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock that makes a data directory one daemon's: an exclusive lock on {@code daemon.lock},
 * which holds the owner's pid. The operating system releases it when the daemon dies, however it
 * dies.
 */
final class DataDirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "daemon.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the directory's lock and writes this process's pid into it.
   *
   * @throws StoreException when another daemon holds it, or the file cannot be written
   */
  static DataDirectoryLock acquire(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreException("cannot open the lock file " + file + ": " + e.getMessage(), e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new StoreException("the data directory " + directory + " is in use by another daemon (pid "
            + (pid.isEmpty() ? "unknown" : pid) + "); stop it or choose another --data-dir");
      }
      channel.truncate(0);
      // Not forced to disk: the pid only names the holder to a second daemon, which reads it from
      // the page cache, and the lock itself is the kernel's; an fsync here cost the start up to a
      // hundred milliseconds on a busy disk.
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      return new DataDirectoryLock(channel, lock);
    } catch (IOException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StoreException("cannot lock the data directory " + directory + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The lock goes with the process anyway.
    }
  }
}
