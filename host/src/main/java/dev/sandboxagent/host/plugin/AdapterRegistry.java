package dev.sandboxagent.host.plugin;

import dev.sandboxagent.api.AgentAdapter;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.pf4j.PluginManager;

/**
 * The agents the host serves, loaded from the plugin JARs of a directory (or registered in code by
 * tests). Agents are listed by their descriptors' listing order, then by id.
 *
 * <p>The directory can be {@link #rescan rescanned} while the daemon runs ({@link HotReload}): a
 * new JAR becomes available, a removed JAR stops taking new sessions, a replaced JAR (a new version)
 * serves new sessions while sessions already on the old version finish on it. Each file is loaded
 * by the {@link PluginLoader} with a plugin manager of its own. A broken JAR is reported and
 * changes nothing else. Every scan ends with a new {@link Snapshot} of the agents, published whole.
 */
public final class AdapterRegistry implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AdapterRegistry.class.getName());
  /** How long a plugin file must stay unmodified before it is loaded. */
  public static final Duration SETTLE = Duration.ofMillis(500);

  /**
   * One plugin file as loaded: its manager, what it provided, or why it failed, and the directories
   * its agent providers describe their agents in (a change there loads it again).
   */
  public record PluginFile(
      Path path, long size, long modified, String pluginId, String version, String requires, List<LoadedAgent> agents,
      String error, PluginManager manager, List<Path> watched) {
    public PluginFile {
      watched = List.copyOf(watched);
    }

    /** A file whose plugin watches no directory. */
    public PluginFile(Path path, long size, long modified, String pluginId, String version, String requires,
        List<LoadedAgent> agents, String error, PluginManager manager) {
      this(path, size, modified, pluginId, version, requires, agents, error, manager, List.of());
    }
  }

  /**
   * What the registry serves at one moment: the plugin files, the agents they provide and the
   * failures, always from the same scan, so a reader never pairs a new file with old agents.
   */
  public record Snapshot(List<PluginFile> plugins, Map<String, LoadedAgent> agents, List<PluginFailure> failures) {
    public Snapshot {
      plugins = List.copyOf(plugins);
      agents = Collections.unmodifiableMap(new LinkedHashMap<>(agents));
      failures = List.copyOf(failures);
    }

    /** The agent with this id, if loaded. */
    public Optional<LoadedAgent> find(String id) {
      return Optional.ofNullable(agents.get(id));
    }
  }

  /** What a rescan changed. */
  public record Rescan(List<String> added, List<String> removed, List<String> replaced, List<String> pending) {}

  private final Path pluginsDir;
  /** The plugin files as loaded; null for a registry built in code. */
  private final HotReload reload;
  /** Replaced as a whole at the end of every scan; readers take it without a lock. */
  private volatile Snapshot snapshot;
  /** Open once the first scan of the plugins directory is done; every accessor waits for it. */
  private final CountDownLatch loaded = new CountDownLatch(1);

  private AdapterRegistry(Path pluginsDir, List<LoadedAgent> builtin) {
    this.pluginsDir = pluginsDir;
    this.reload = pluginsDir == null ? null : new HotReload(pluginsDir);
    this.snapshot = new Snapshot(List.of(), order(builtin), List.of());
  }

  /** A registry of adapters given in code (no plugin loading). */
  public static AdapterRegistry of(List<AgentAdapter> adapters) {
    List<LoadedAgent> loaded = new ArrayList<>();
    for (AgentAdapter adapter : adapters) {
      loaded.add(new LoadedAgent(adapter, adapter.descriptor(), "builtin", null));
    }
    AdapterRegistry registry = new AdapterRegistry(null, loaded);
    registry.loaded.countDown();
    return registry;
  }

  /**
   * Loads every {@code .jar} and {@code .zip} in {@code pluginsDir}. Never throws for a bad plugin:
   * each failure is logged and kept in {@link #failures()}.
   */
  public static AdapterRegistry load(Path pluginsDir) {
    AdapterRegistry registry = new AdapterRegistry(pluginsDir, List.of());
    try {
      registry.initialLoad();
    } finally {
      registry.loaded.countDown();
    }
    return registry;
  }

  /**
   * As {@link #load}, on a thread of its own: the registry is returned at once, so the daemon's
   * start-up (the web server) overlaps plugin loading, and every accessor waits until the first
   * scan is done.
   */
  public static AdapterRegistry loadInBackground(Path pluginsDir) {
    AdapterRegistry registry = new AdapterRegistry(pluginsDir, List.of());
    Thread.ofPlatform().name("plugin-loading").start(() -> {
      try {
        registry.initialLoad();
      } catch (RuntimeException | Error e) {
        LOG.log(Level.ERROR, "loading plugins failed", e);
      } finally {
        registry.loaded.countDown();
      }
    });
    return registry;
  }

  private void initialLoad() {
    if (!Files.isDirectory(pluginsDir)) {
      LOG.log(Level.WARNING, "plugins directory {0} does not exist; no agents loaded", pluginsDir);
      return;
    }
    scan(false);
    for (LoadedAgent agent : snapshot.agents().values()) {
      LOG.log(Level.INFO, "agent {0} loaded from plugin {1} {2}", agent.id(), agent.pluginId(), agent.pluginVersion());
    }
  }

  /** Whether the first scan of the plugins directory is done. */
  public boolean isLoaded() {
    return loaded.getCount() == 0;
  }

  /** Waits until the first scan of the plugins directory is done. */
  public void awaitLoaded() {
    boolean interrupted = false;
    while (true) {
      try {
        loaded.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The plugins directory, or null for a registry built in code. */
  public Path pluginsDir() {
    return pluginsDir;
  }

  /**
   * Brings the registry in line with the plugins directory: loads new and replaced files, drops
   * removed ones. Files modified within {@link #SETTLE} are left for a later scan.
   */
  public Rescan rescan() {
    awaitLoaded();
    if (pluginsDir == null) {
      return new Rescan(List.of(), List.of(), List.of(), List.of());
    }
    return scan(true);
  }

  private synchronized Rescan scan(boolean settle) {
    HotReload.Scan scan = reload.scan(settle);
    publish(scan.files(), scan.listingFailures());
    Rescan rescan = scan.changes();
    if (settle && (!rescan.added().isEmpty() || !rescan.removed().isEmpty() || !rescan.replaced().isEmpty())) {
      LOG.log(Level.INFO, "plugins rescanned: added {0}, removed {1}, replaced {2}; agents now {3}", rescan.added(),
          rescan.removed(), rescan.replaced(), snapshot.agents().keySet());
    }
    return rescan;
  }

  private void publish(List<PluginFile> files, List<PluginFailure> listing) {
    List<PluginFailure> failed = new ArrayList<>(listing);
    List<LoadedAgent> loaded = new ArrayList<>();
    List<PluginFile> byPlugin = new ArrayList<>(files);
    byPlugin.sort(Comparator.comparing((PluginFile f) -> f.pluginId() == null ? "" : f.pluginId())
        .thenComparing(f -> f.path().getFileName().toString()));
    Map<String, LoadedAgent> byId = new LinkedHashMap<>();
    for (PluginFile file : byPlugin) {
      if (file.error() != null) {
        failed.add(new PluginFailure(file.pluginId() != null ? file.pluginId() : file.path().getFileName().toString(),
            file.path().getFileName().toString(), file.error()));
        continue;
      }
      for (LoadedAgent agent : file.agents()) {
        LoadedAgent previous = byId.putIfAbsent(agent.id(), agent);
        if (previous != null) {
          failed.add(new PluginFailure(agent.pluginId(), file.path().getFileName().toString(),
              "agent id " + agent.id() + " is already provided by plugin " + previous.pluginId()));
        } else {
          loaded.add(agent);
        }
      }
    }
    for (PluginFailure failure : failed) {
      if (!snapshot.failures().contains(failure)) {
        LOG.log(Level.ERROR, "plugin {0} ({1}) not loaded: {2}", failure.pluginId(), failure.file(), failure.message());
      }
    }
    snapshot = new Snapshot(files, order(loaded), failed);
  }

  private static Map<String, LoadedAgent> order(List<LoadedAgent> loaded) {
    List<LoadedAgent> sorted = new ArrayList<>(loaded);
    sorted.sort(Comparator.comparingInt((LoadedAgent a) -> a.descriptor().listingOrder()).thenComparing(LoadedAgent::id));
    Map<String, LoadedAgent> map = new LinkedHashMap<>();
    sorted.forEach(a -> map.putIfAbsent(a.id(), a));
    return Collections.unmodifiableMap(map);
  }

  /** Everything the registry serves, from one scan. */
  public Snapshot snapshot() {
    awaitLoaded();
    return snapshot;
  }

  /** The agents, in listing order. */
  public List<LoadedAgent> agents() {
    return List.copyOf(snapshot().agents().values());
  }

  /** The agent with this id, if loaded. */
  public Optional<LoadedAgent> find(String id) {
    return snapshot().find(id);
  }

  /** Plugins that could not be loaded, and agents shadowed by another plugin. */
  public List<PluginFailure> failures() {
    return snapshot().failures();
  }

  /** The plugin files in the directory as of the last scan, loaded or failed. */
  public List<PluginFile> plugins() {
    return snapshot().plugins();
  }

  @Override
  public synchronized void close() {
    if (reload != null) {
      reload.close();
    }
  }
}
