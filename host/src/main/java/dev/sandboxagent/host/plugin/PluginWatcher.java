package dev.sandboxagent.host.plugin;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the plugins directory and rescans the registry when files appear, change or go: a JAR
 * copied in becomes available without a restart. Changes are batched (a copy writes many times),
 * and a file still being written is picked up by a later scan.
 */
public final class PluginWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(PluginWatcher.class.getName());

  private final WatchService watch;
  private final Thread thread;

  private PluginWatcher(WatchService watch, AdapterRegistry registry) {
    this.watch = watch;
    this.thread = Thread.ofVirtual().name("plugin-watcher").start(() -> run(registry));
  }

  /** Starts watching the registry's directory; returns null when it cannot be watched. */
  public static PluginWatcher start(AdapterRegistry registry) {
    Path dir = registry.pluginsDir();
    if (dir == null) {
      return null;
    }
    try {
      WatchService watch = FileSystems.getDefault().newWatchService();
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      return new PluginWatcher(watch, registry);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot watch {0} ({1}); use POST /v1/plugins/rescan after changes", dir,
          e.toString());
      return null;
    }
  }

  /** Watches the directories the loaded plugins' agent providers describe their agents in, too. */
  private void watchProviderDirectories(AdapterRegistry registry) {
    for (AdapterRegistry.PluginFile file : registry.plugins()) {
      for (Path dir : file.watched()) {
        try {
          dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot watch {0}: {1}", dir, e.toString());
        }
      }
    }
  }

  private void run(AdapterRegistry registry) {
    try {
      watchProviderDirectories(registry);
      while (true) {
        WatchKey key = watch.take();
        key.pollEvents();
        key.reset();
        // let the burst of events of one copy settle, then scan until nothing is left pending
        while (true) {
          Thread.sleep(AdapterRegistry.SETTLE.toMillis() + 100);
          WatchKey more;
          while ((more = watch.poll(0, TimeUnit.MILLISECONDS)) != null) {
            more.pollEvents();
            more.reset();
          }
          boolean settled = registry.rescan().pending().isEmpty();
          watchProviderDirectories(registry);
          if (settled) {
            break;
          }
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // stopped
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "plugin watcher stopped", e);
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      watch.close();
    } catch (IOException e) {
      // closing
    }
  }
}
