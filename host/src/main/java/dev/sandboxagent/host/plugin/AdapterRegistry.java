package dev.sandboxagent.host.plugin;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.Spi;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.LegacyExtensionFinder;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * The agents the host serves, loaded from plugin JARs (or registered in code by tests). Agents are
 * listed in the reference order (claude, codex, opencode, amp, mock), then any others by id.
 */
public final class AdapterRegistry implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AdapterRegistry.class.getName());
  private static final List<String> REFERENCE_ORDER = List.of("claude", "codex", "opencode", "amp", "mock");

  private final Map<String, LoadedAgent> agents;
  private final List<PluginFailure> failures;
  private final PluginManager pluginManager;

  private AdapterRegistry(List<LoadedAgent> loaded, List<PluginFailure> failures, PluginManager pluginManager) {
    List<LoadedAgent> sorted = new ArrayList<>(loaded);
    sorted.sort(Comparator.comparingInt((LoadedAgent a) -> rank(a.id())).thenComparing(LoadedAgent::id));
    Map<String, LoadedAgent> map = new LinkedHashMap<>();
    sorted.forEach(a -> map.put(a.id(), a));
    this.agents = map;
    this.failures = List.copyOf(failures);
    this.pluginManager = pluginManager;
  }

  private static int rank(String id) {
    int i = REFERENCE_ORDER.indexOf(id);
    return i < 0 ? REFERENCE_ORDER.size() : i;
  }

  /** A registry of adapters given in code (no plugin loading). */
  public static AdapterRegistry of(List<AgentAdapter> adapters) {
    List<LoadedAgent> loaded = new ArrayList<>();
    for (AgentAdapter adapter : adapters) {
      loaded.add(new LoadedAgent(adapter, adapter.descriptor(), "builtin", null));
    }
    return new AdapterRegistry(loaded, List.of(), null);
  }

  /**
   * Loads every {@code .jar} and {@code .zip} in {@code pluginsDir}. Never throws for a bad plugin:
   * each failure is logged and kept in {@link #failures()}.
   */
  public static AdapterRegistry load(Path pluginsDir) {
    List<PluginFailure> failures = new ArrayList<>();
    List<LoadedAgent> loaded = new ArrayList<>();
    if (!Files.isDirectory(pluginsDir)) {
      LOG.log(Level.WARNING, "plugins directory {0} does not exist; no agents loaded", pluginsDir);
      return new AdapterRegistry(loaded, failures, null);
    }
    DefaultPluginManager manager = new DefaultPluginManager(pluginsDir) {
      // Extensions are declared in each plugin's META-INF/extensions.idx (written by pf4j's annotation
      // processor). Not also scanning META-INF/services of every jar on the classpath saves start-up.
      @Override
      protected ExtensionFinder createExtensionFinder() {
        return new LegacyExtensionFinder(this);
      }
    };
    manager.setSystemVersion(Spi.version());
    Map<String, String> fileOfPlugin = new LinkedHashMap<>();
    for (Path file : pluginFiles(pluginsDir, failures)) {
      try {
        String id = manager.loadPlugin(file);
        fileOfPlugin.put(id, file.getFileName().toString());
      } catch (RuntimeException | LinkageError e) {
        failures.add(new PluginFailure(file.getFileName().toString(), file.getFileName().toString(), describe(e)));
      }
    }
    for (PluginWrapper wrapper : manager.getPlugins()) {
      try {
        manager.startPlugin(wrapper.getPluginId());
      } catch (RuntimeException | LinkageError e) {
        // recorded below from the plugin's state
        LOG.log(Level.DEBUG, "plugin {0} failed to start", wrapper.getPluginId());
      }
    }
    for (PluginWrapper wrapper : manager.getPlugins()) {
      String file = fileOfPlugin.getOrDefault(wrapper.getPluginId(), wrapper.getPluginPath().getFileName().toString());
      if (wrapper.getPluginState() != PluginState.STARTED) {
        failures.add(new PluginFailure(wrapper.getPluginId(), file, notStartedReason(manager, wrapper)));
        continue;
      }
      loadAdapters(manager, wrapper, file, loaded, failures);
    }
    List<LoadedAgent> unique = dropDuplicates(loaded, failures);
    for (PluginFailure failure : failures) {
      LOG.log(Level.ERROR, "plugin {0} ({1}) not loaded: {2}", failure.pluginId(), failure.file(), failure.message());
    }
    for (LoadedAgent agent : unique) {
      LOG.log(Level.INFO, "agent {0} loaded from plugin {1} {2}", agent.id(), agent.pluginId(), agent.pluginVersion());
    }
    return new AdapterRegistry(unique, failures, manager);
  }

  private static List<Path> pluginFiles(Path dir, List<PluginFailure> failures) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(p) && (name.endsWith(".jar") || name.endsWith(".zip"))) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      failures.add(new PluginFailure(dir.toString(), dir.toString(), "cannot list plugins directory: " + e));
    }
    files.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return files;
  }

  private static void loadAdapters(
      DefaultPluginManager manager, PluginWrapper wrapper, String file, List<LoadedAgent> loaded,
      List<PluginFailure> failures) {
    String pluginId = wrapper.getPluginId();
    List<Class<? extends AgentAdapter>> classes;
    try {
      classes = manager.getExtensionClasses(AgentAdapter.class, pluginId);
    } catch (RuntimeException | LinkageError e) {
      failures.add(new PluginFailure(pluginId, file, "cannot read its extensions: " + describe(e)));
      return;
    }
    if (classes.isEmpty()) {
      failures.add(new PluginFailure(pluginId, file, "it provides no " + AgentAdapter.class.getSimpleName()
          + " extension (missing @Extension or META-INF/extensions.idx, or it bundles its own copy of the SPI)"));
      return;
    }
    for (Class<? extends AgentAdapter> type : classes) {
      try {
        AgentAdapter adapter = type.getDeclaredConstructor().newInstance();
        AgentDescriptor descriptor = adapter.descriptor();
        loaded.add(new LoadedAgent(adapter, descriptor, pluginId, wrapper.getDescriptor().getVersion()));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
        failures.add(new PluginFailure(pluginId, file, "adapter " + type.getName() + " failed: " + describe(cause)));
      }
    }
  }

  private static List<LoadedAgent> dropDuplicates(List<LoadedAgent> loaded, List<PluginFailure> failures) {
    // Deterministic rule: the first plugin by plugin id wins an agent id.
    List<LoadedAgent> sorted = new ArrayList<>(loaded);
    sorted.sort(Comparator.comparing(LoadedAgent::pluginId));
    Map<String, LoadedAgent> byId = new LinkedHashMap<>();
    for (LoadedAgent agent : sorted) {
      LoadedAgent previous = byId.putIfAbsent(agent.id(), agent);
      if (previous != null) {
        failures.add(new PluginFailure(agent.pluginId(), agent.pluginId(),
            "agent id " + agent.id() + " is already provided by plugin " + previous.pluginId()));
      }
    }
    return new ArrayList<>(byId.values());
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

  /** The agents, in listing order. */
  public List<LoadedAgent> agents() {
    return List.copyOf(agents.values());
  }

  /** The agent with this id, if loaded. */
  public Optional<LoadedAgent> find(String id) {
    return Optional.ofNullable(agents.get(id));
  }

  /** Plugins that could not be loaded. */
  public List<PluginFailure> failures() {
    return failures;
  }

  @Override
  public void close() {
    if (pluginManager != null) {
      try {
        pluginManager.stopPlugins();
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "stopping plugins failed", e);
      }
    }
  }
}
