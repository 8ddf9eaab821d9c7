package dev.sandboxagent.host.plugin;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.Spi;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.LegacyExtensionFinder;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * The agents the host serves, loaded from the plugin JARs of a directory (or registered in code by
 * tests). Agents are listed by their descriptors' listing order, then by id.
 *
 * <p>The directory can be {@link #rescan rescanned} while the daemon runs: a new JAR becomes
 * available, a removed JAR stops taking new sessions, a replaced JAR (a new version) serves new
 * sessions while sessions already on the old version finish on it. Each file has its own plugin
 * manager, so two versions of a plugin can be loaded at once; the old one is released when the
 * daemon stops. A file modified less than {@link #SETTLE} ago is left for a later scan, so a JAR
 * still being copied is never loaded half-written. A broken JAR is reported and changes nothing else.
 */
public final class AdapterRegistry implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AdapterRegistry.class.getName());
  /** How long a plugin file must stay unmodified before it is loaded. */
  public static final Duration SETTLE = Duration.ofMillis(500);

  /** One plugin file as loaded: its manager, what it provided, or why it failed. */
  public record PluginFile(
      Path path, long size, long modified, String pluginId, String version, String requires, List<LoadedAgent> agents,
      String error, PluginManager manager) {}

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
  private final Map<Path, PluginFile> files = new LinkedHashMap<>();
  private final List<PluginManager> retired = new ArrayList<>();
  private Path staging;
  /** Replaced as a whole at the end of every scan; readers take it without a lock. */
  private volatile Snapshot snapshot;
  /** Open once the first scan of the plugins directory is done; every accessor waits for it. */
  private final CountDownLatch loaded = new CountDownLatch(1);

  private AdapterRegistry(Path pluginsDir, List<LoadedAgent> builtin) {
    this.pluginsDir = pluginsDir;
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
    try {
      staging();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot create a directory for plugin copies: {0}", e.toString());
    }
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    List<PluginFailure> listing = new ArrayList<>();
    List<Path> present = pluginFiles(pluginsDir, listing);
    for (Path path : List.copyOf(files.keySet())) {
      if (!present.contains(path)) {
        PluginFile gone = files.remove(path);
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
        continue;
      }
      if (settle && now - modified < SETTLE.toMillis()) {
        pending.add(path.getFileName().toString());
        continue;
      }
      toLoad.put(path, new long[] {size, modified});
    }
    // Plugins are independent (one manager each): they load in parallel.
    Map<Path, Future<PluginFile>> loading = new LinkedHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      toLoad.forEach((path, stamp) -> loading.put(path, pool.submit(() -> loadFile(path, stamp[0], stamp[1]))));
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
        loaded = new PluginFile(path, stamp[0], stamp[1], null, null, null, List.of(), describe(e), null);
      }
      PluginFile known = files.put(path, loaded);
      if (known != null) {
        retire(known);
        replaced.add(path.getFileName().toString());
      } else {
        added.add(path.getFileName().toString());
      }
    }
    publish(listing);
    if (settle && (!added.isEmpty() || !removed.isEmpty() || !replaced.isEmpty())) {
      LOG.log(Level.INFO, "plugins rescanned: added {0}, removed {1}, replaced {2}; agents now {3}", added, removed,
          replaced, snapshot.agents().keySet());
    }
    return new Rescan(added, removed, replaced, pending);
  }

  private void retire(PluginFile file) {
    // sessions may still run on its adapters: its classes stay loaded until the daemon stops
    if (file.manager() != null) {
      retired.add(file.manager());
    }
  }

  private void publish(List<PluginFailure> listing) {
    List<PluginFailure> failed = new ArrayList<>(listing);
    List<LoadedAgent> loaded = new ArrayList<>();
    List<PluginFile> byPlugin = new ArrayList<>(files.values());
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
    snapshot = new Snapshot(new ArrayList<>(files.values()), order(loaded), failed);
  }

  private static Map<String, LoadedAgent> order(List<LoadedAgent> loaded) {
    List<LoadedAgent> sorted = new ArrayList<>(loaded);
    sorted.sort(Comparator.comparingInt((LoadedAgent a) -> a.descriptor().listingOrder()).thenComparing(LoadedAgent::id));
    Map<String, LoadedAgent> map = new LinkedHashMap<>();
    sorted.forEach(a -> map.putIfAbsent(a.id(), a));
    return Collections.unmodifiableMap(map);
  }

  private PluginFile loadFile(Path file, long size, long modified) {
    String name = file.getFileName().toString();
    DefaultPluginManager manager = new DefaultPluginManager(pluginsDir) {
      // Extensions are declared in each plugin's META-INF/extensions.idx (written by pf4j's annotation
      // processor). Neither META-INF/services nor the host's own class path is scanned: the host
      // declares no extensions, and opening every JAR of lib/ for each plugin only costs start-up.
      @Override
      protected ExtensionFinder createExtensionFinder() {
        return new LegacyExtensionFinder(this) {
          @Override
          public Map<String, Set<String>> readClasspathStorages() {
            return Map.of();
          }
        };
      }
    };
    manager.setSystemVersion(Spi.version());
    String pluginId;
    try {
      // Loaded from a private copy: the JDK caches open JAR files by URL, so a JAR replaced at the
      // same path would otherwise be read through the old one's cache; the copy also cannot change
      // under the loaded classes.
      Path copy = Files.copy(file, staging().resolve(System.nanoTime() + "-" + name));
      pluginId = manager.loadPlugin(copy);
    } catch (IOException e) {
      return new PluginFile(file, size, modified, null, null, null, List.of(), "cannot read it: " + e, null);
    } catch (RuntimeException | LinkageError e) {
      return new PluginFile(file, size, modified, null, null, null, List.of(), describe(e), null);
    }
    PluginWrapper wrapper = manager.getPlugin(pluginId);
    String version = wrapper.getDescriptor().getVersion();
    String requires = wrapper.getDescriptor().getRequires();
    try {
      manager.startPlugin(pluginId);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.DEBUG, "plugin {0} failed to start", pluginId);
    }
    if (wrapper.getPluginState() != PluginState.STARTED) {
      String reason = notStartedReason(manager, wrapper);
      stopQuietly(manager);
      return new PluginFile(file, size, modified, pluginId, version, requires, List.of(), reason, null);
    }
    List<LoadedAgent> loaded = new ArrayList<>();
    String error = loadAdapters(manager, wrapper, loaded);
    if (error != null) {
      stopQuietly(manager);
      return new PluginFile(file, size, modified, pluginId, version, requires, List.of(), error, null);
    }
    LOG.log(Level.DEBUG, "plugin {0} {1} loaded from {2}", pluginId, version, name);
    return new PluginFile(file, size, modified, pluginId, version, requires, List.copyOf(loaded), null, manager);
  }

  /** Where loaded plugin files are copied; removed when the registry closes. */
  private Path staging() throws IOException {
    if (staging == null) {
      staging = Files.createTempDirectory("sandbox-agent-plugins-");
    }
    return staging;
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

  /** Instantiates the plugin's adapters; returns why it failed, or null. */
  private static String loadAdapters(DefaultPluginManager manager, PluginWrapper wrapper, List<LoadedAgent> loaded) {
    String pluginId = wrapper.getPluginId();
    List<Class<? extends AgentAdapter>> classes;
    try {
      classes = manager.getExtensionClasses(AgentAdapter.class, pluginId);
    } catch (RuntimeException | LinkageError e) {
      return "cannot read its extensions: " + describe(e);
    }
    if (classes.isEmpty()) {
      return "it provides no " + AgentAdapter.class.getSimpleName()
          + " extension (missing @Extension or META-INF/extensions.idx, or it bundles its own copy of the SPI)";
    }
    for (Class<? extends AgentAdapter> type : classes) {
      try {
        AgentAdapter adapter = type.getDeclaredConstructor().newInstance();
        loaded.add(new LoadedAgent(adapter, adapter.descriptor(), pluginId, wrapper.getDescriptor().getVersion()));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
        return "adapter " + type.getName() + " failed: " + describe(cause);
      }
    }
    return null;
  }

  private static String notStartedReason(DefaultPluginManager manager, PluginWrapper wrapper) {
    String requires = wrapper.getDescriptor().getRequires();
    if (!manager.getVersionManager().checkVersionConstraint(Spi.version(), requires)) {
      return "requires SPI " + requires + " but this host provides SPI " + Spi.version();
    }
    Throwable failed = wrapper.getFailedException();
    if (failed != null) {
      return describe(failed);
    }
    return "plugin is " + wrapper.getPluginState().toString().toLowerCase(Locale.ROOT);
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
    if (e.getMessage() != null) {
      sb.append(": ").append(e.getMessage());
    }
    Throwable cause = e.getCause();
    if (cause != null && cause != e && cause.getMessage() != null) {
      sb.append(" (").append(cause.getMessage()).append(')');
    }
    return sb.toString();
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

  private static void stopQuietly(PluginManager manager) {
    try {
      manager.stopPlugins();
      manager.unloadPlugins();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "stopping plugins failed", e);
    }
  }

  @Override
  public synchronized void close() {
    for (PluginFile file : files.values()) {
      if (file.manager() != null) {
        stopQuietly(file.manager());
      }
    }
    retired.forEach(AdapterRegistry::stopQuietly);
    if (staging != null) {
      try (Stream<Path> copies = Files.list(staging)) {
        for (Path copy : copies.toList()) {
          Files.deleteIfExists(copy);
        }
        Files.deleteIfExists(staging);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "cannot remove {0}: {1}", staging, e.getMessage());
      }
    }
  }
}
