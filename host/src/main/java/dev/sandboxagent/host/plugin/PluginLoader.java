package dev.sandboxagent.host.plugin;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentProvider;
import dev.sandboxagent.api.Spi;
import dev.sandboxagent.host.plugin.AdapterRegistry.PluginFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.LegacyExtensionFinder;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads one plugin file with pf4j: a plugin manager of its own (so two versions of a plugin can be
 * loaded at once), the SPI range check, and the plugin's adapters instantiated. A file that cannot
 * be loaded comes back with the reason, its manager stopped.
 *
 * <p>Each file is loaded from a private copy: the JDK caches open JAR files by URL, so a JAR
 * replaced at the same path would otherwise be read through the old one's cache; the copy also
 * cannot change under the loaded classes. The copies are removed when the loader closes.
 */
final class PluginLoader implements AutoCloseable {

  // logs as the registry: the plugin log lines have one source
  private static final System.Logger LOG = System.getLogger(AdapterRegistry.class.getName());

  private final Path pluginsDir;
  private Path copies;

  /** @param pluginsDir the plugins directory, pf4j's plugin root */
  PluginLoader(Path pluginsDir) {
    this.pluginsDir = pluginsDir;
  }

  /** Creates the directory of the private copies if need be; a failure is logged and left to each load. */
  void prepare() {
    try {
      copies();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot create a directory for plugin copies: {0}", e.toString());
    }
  }

  /**
   * Loads the file; never throws for a bad plugin.
   *
   * @param size the file's size when it was found, kept to notice a later change
   * @param modified the file's modification time in milliseconds, likewise
   */
  PluginFile load(Path file, long size, long modified) {
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
      Path copy = Files.copy(file, copies().resolve(System.nanoTime() + "-" + name));
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
      stop(manager);
      return new PluginFile(file, size, modified, pluginId, version, requires, List.of(), reason, null);
    }
    List<LoadedAgent> loaded = new ArrayList<>();
    List<Path> watched = new ArrayList<>();
    String error = loadAdapters(manager, wrapper, loaded, watched);
    if (error != null) {
      stop(manager);
      return new PluginFile(file, size, modified, pluginId, version, requires, List.of(), error, null);
    }
    LOG.log(Level.DEBUG, "plugin {0} {1} loaded from {2}", pluginId, version, name);
    return new PluginFile(file, size, modified, pluginId, version, requires, List.copyOf(loaded), null, manager,
        watched);
  }

  private Path copies() throws IOException {
    if (copies == null) {
      copies = Files.createTempDirectory("sandbox-agent-plugins-");
    }
    return copies;
  }

  /**
   * Instantiates the plugin's adapters: its {@link AgentAdapter} extensions and the adapters of its
   * {@link AgentProvider} extensions, and the directories the providers watch. Returns why it
   * failed, or null.
   */
  private static String loadAdapters(DefaultPluginManager manager, PluginWrapper wrapper, List<LoadedAgent> loaded,
      List<Path> watched) {
    String pluginId = wrapper.getPluginId();
    String version = wrapper.getDescriptor().getVersion();
    List<Class<? extends AgentAdapter>> classes;
    List<Class<? extends AgentProvider>> providers;
    try {
      classes = manager.getExtensionClasses(AgentAdapter.class, pluginId);
      providers = manager.getExtensionClasses(AgentProvider.class, pluginId);
    } catch (RuntimeException | LinkageError e) {
      return "cannot read its extensions: " + describe(e);
    }
    if (classes.isEmpty() && providers.isEmpty()) {
      return "it provides no " + AgentAdapter.class.getSimpleName() + " or " + AgentProvider.class.getSimpleName()
          + " extension (missing @Extension or META-INF/extensions.idx, or it bundles its own copy of the SPI)";
    }
    for (Class<? extends AgentAdapter> type : classes) {
      try {
        AgentAdapter adapter = type.getDeclaredConstructor().newInstance();
        loaded.add(new LoadedAgent(adapter, adapter.descriptor(), pluginId, version));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return "adapter " + type.getName() + " failed: " + describe(cause(e));
      }
    }
    for (Class<? extends AgentProvider> type : providers) {
      try {
        AgentProvider provider = type.getDeclaredConstructor().newInstance();
        for (AgentAdapter adapter : provider.adapters()) {
          loaded.add(new LoadedAgent(adapter, adapter.descriptor(), pluginId, version));
        }
        Path dir = provider.watchedDirectory();
        if (dir != null) {
          watched.add(dir.toAbsolutePath());
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return "provider " + type.getName() + " failed: " + describe(cause(e));
      }
    }
    return null;
  }

  private static Throwable cause(Throwable e) {
    return e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
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

  /** A failure as one line: its type, message and cause's message. */
  static String describe(Throwable e) {
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

  /** Stops and unloads the manager's plugins; a failure is logged. */
  static void stop(PluginManager manager) {
    try {
      manager.stopPlugins();
      manager.unloadPlugins();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "stopping plugins failed", e);
    }
  }

  /** Removes the private copies. */
  @Override
  public void close() {
    if (copies != null) {
      try (Stream<Path> files = Files.list(copies)) {
        for (Path copy : files.toList()) {
          Files.deleteIfExists(copy);
        }
        Files.deleteIfExists(copies);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "cannot remove {0}: {1}", copies, e.getMessage());
      }
    }
  }
}
