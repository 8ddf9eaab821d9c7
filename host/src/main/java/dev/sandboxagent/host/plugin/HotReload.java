package dev.sandboxagent.host.plugin;

import dev.sandboxagent.host.plugin.AdapterRegistry.PluginFile;
import dev.sandboxagent.host.plugin.AdapterRegistry.Rescan;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pf4j.PluginManager;

/**
 * Hot reload of the plugins directory: the plugin files as loaded, brought in line with the
 * directory by each {@link #scan}. A new JAR is loaded, a removed JAR is dropped, a replaced JAR (a
 * new version) is loaded next to the old one, whose classes stay loaded for the sessions still
 * running on them until the daemon stops. A file modified less than {@link AdapterRegistry#SETTLE}
 * ago is left for a later scan, so a JAR still being copied is never loaded half-written. The
 * {@link PluginWatcher} scans when the directory changes.
 */
final class HotReload implements AutoCloseable {

  /**
   * What one scan found.
   *
   * @param changes the files added, removed, replaced and left pending
   * @param files every plugin file now loaded (or failed), in the order they were first seen
   * @param listingFailures the directory itself could not be listed
   */
  record Scan(Rescan changes, List<PluginFile> files, List<PluginFailure> listingFailures) {}

  private final Path pluginsDir;
  private final PluginLoader loader;
  private final Map<Path, PluginFile> files = new LinkedHashMap<>();
  private final List<PluginManager> retired = new ArrayList<>();
  /** For each loaded file whose plugin watches directories: their contents when it was loaded. */
  private final Map<Path, String> watchedContents = new LinkedHashMap<>();

  HotReload(Path pluginsDir) {
    this.pluginsDir = pluginsDir;
    this.loader = new PluginLoader(pluginsDir);
  }

  /**
   * Loads new and replaced files, drops removed ones. With {@code settle}, files modified within
   * {@link AdapterRegistry#SETTLE} are left pending.
   */
  synchronized Scan scan(boolean settle) {
    loader.prepare();
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    List<PluginFailure> listing = new ArrayList<>();
    List<Path> present = pluginFiles(pluginsDir, listing);
    for (Path path : List.copyOf(files.keySet())) {
      if (!present.contains(path)) {
        PluginFile gone = files.remove(path);
        watchedContents.remove(path);
        retire(gone);
        removed.add(path.getFileName().toString());
      }
    }
    long now = System.currentTimeMillis();
    Map<Path, long[]> toLoad = new LinkedHashMap<>();
    for (Path path : present) {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (IOException e) {
        continue; // removed meanwhile
      }
      long size = attributes.size();
      long modified = attributes.lastModifiedTime().toMillis();
      PluginFile known = files.get(path);
      if (known != null && known.size() == size && known.modified() == modified) {
        Contents held = contents(known.watched());
        if (known.watched().isEmpty() || held.listing().equals(watchedContents.get(path))) {
          continue;
        }
        if (settle && now - held.newest() < AdapterRegistry.SETTLE.toMillis()) {
          pending.add(path.getFileName().toString());
          continue;
        }
      }
      if (settle && now - modified < AdapterRegistry.SETTLE.toMillis()) {
        pending.add(path.getFileName().toString());
        continue;
      }
      toLoad.put(path, new long[] {size, modified});
    }
    // Plugins are independent (one manager each): they load in parallel.
    Map<Path, Future<PluginFile>> loading = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      toLoad.forEach((path, stamp) -> loading.put(path, pool.submit(() -> loader.load(path, stamp[0], stamp[1]))));
    }
    for (Map.Entry<Path, Future<PluginFile>> entry : loading.entrySet()) {
      Path path = entry.getKey();
      PluginFile loaded;
      try {
        loaded = entry.getValue().get();
      } catch (ExecutionException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        long[] stamp = toLoad.get(path);
        loaded = new PluginFile(path, stamp[0], stamp[1], null, null, null, List.of(), PluginLoader.describe(e), null);
      }
      watchedContents.put(path, contents(loaded.watched()).listing());
      PluginFile known = files.put(path, loaded);
      if (known != null) {
        retire(known);
        replaced.add(path.getFileName().toString());
      } else {
        added.add(path.getFileName().toString());
      }
    }
    return new Scan(new Rescan(added, removed, replaced, pending), List.copyOf(files.values()), listing);
  }

  /** What watched directories hold: names, sizes and times of their files, and the newest time. */
  private record Contents(String listing, long newest) {}

  private static Contents contents(List<Path> dirs) {
    StringBuilder listing = new StringBuilder();
    long newest = 0;
    for (Path dir : dirs) {
      listing.append(dir).append('\n');
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        List<String> entries = new ArrayList<>();
        for (Path p : stream) {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          long time = a.lastModifiedTime().toMillis();
          newest = Math.max(newest, time);
          entries.add(p.getFileName() + " " + a.size() + " " + time);
        }
        entries.sort(null);
        entries.forEach(e -> listing.append(e).append('\n'));
      } catch (IOException e) {
        listing.append("(unreadable)\n");
      }
    }
    return new Contents(listing.toString(), newest);
  }

  private void retire(PluginFile file) {
    // sessions may still run on its adapters: its classes stay loaded until the daemon stops
    if (file.manager() != null) {
      retired.add(file.manager());
    }
  }

  private static List<Path> pluginFiles(Path dir, List<PluginFailure> failures) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(p) && (name.endsWith(".jar") || name.endsWith(".zip"))) {
          found.add(p);
        }
      }
    } catch (IOException e) {
      failures.add(new PluginFailure(dir.toString(), dir.toString(), "cannot list plugins directory: " + e));
    }
    found.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return found;
  }

  /** Stops every plugin, the retired ones too, and removes the private copies. */
  @Override
  public synchronized void close() {
    for (PluginFile file : files.values()) {
      if (file.manager() != null) {
        PluginLoader.stop(file.manager());
      }
    }
    retired.forEach(PluginLoader::stop);
    loader.close();
  }
}
