package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.host.agent.AgentCalls;
import dev.sandboxagent.host.agent.AgentFailure;
import dev.sandboxagent.host.metrics.DaemonMetrics;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds, probes and installs agent programs: where an agent's program is, its version ({@link
 * VersionProbe}), and its install, by the {@link Installer} from the sources its adapter lists or
 * by the adapter itself ({@link AdapterInstall}).
 */
public final class AgentCatalog {

  // named as the daemon's log lines and logging configurations know it
  static final System.Logger LOG = System.getLogger("dev.sandboxagent.host.agent.AgentCatalog");

  private final Path installDir;
  private final Path defaultInstallDir;
  private final String path;
  private final Map<String, Path> explicitBinaries;
  private final Installer installer;
  private final DaemonMetrics metrics;

  /**
   * @param installer installs agents into its install directory, the first place binaries are looked for
   * @param defaultInstallDir the last-resort place binaries are looked for
   * @param path the {@code PATH} value to search, or null
   * @param explicitBinaries per agent id, a program to use before any other
   */
  public AgentCatalog(Installer installer, Path defaultInstallDir, String path, Map<String, Path> explicitBinaries) {
    this(installer, defaultInstallDir, path, explicitBinaries, DaemonMetrics.standalone());
  }

  /**
   * @param installer installs agents into its install directory, the first place binaries are looked for
   * @param defaultInstallDir the last-resort place binaries are looked for
   * @param path the {@code PATH} value to search, or null
   * @param explicitBinaries per agent id, a program to use before any other
   * @param metrics where installs are timed and failures counted
   */
  public AgentCatalog(Installer installer, Path defaultInstallDir, String path, Map<String, Path> explicitBinaries,
      DaemonMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.installer = requireNonNull(installer, "installer is null");
    this.installDir = installer.installDir();
    this.defaultInstallDir = requireNonNull(defaultInstallDir, "defaultInstallDir is null");
    this.path = path == null ? "" : path;
    this.explicitBinaries = Map.copyOf(explicitBinaries);
  }

  public Path installDir() {
    return installDir;
  }

  /**
   * The agent's program: the explicitly configured one if set, else the first existing file named
   * after it in the install dir, on PATH, in the default install dir.
   */
  public Optional<Path> resolve(AgentDescriptor descriptor) {
    List<Path> candidates = new ArrayList<>();
    Path explicit = explicitBinaries.get(descriptor.id());
    if (explicit != null) {
      candidates.add(explicit);
    }
    candidates.add(installDir.resolve(descriptor.binaryName()));
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir).resolve(descriptor.binaryName()));
      }
    }
    candidates.add(defaultInstallDir.resolve(descriptor.binaryName()));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  /** Whether the agent can be used: builtin, or its binary resolves. */
  public boolean installed(AgentDescriptor descriptor) {
    return descriptor.builtin() || resolve(descriptor).isPresent();
  }

  /**
   * The version: {@code builtin} for builtin agents, else the first non-empty line printed by the
   * binary for {@code --version}, {@code version} or {@code -V} (the first that exits 0).
   */
  public Optional<String> version(AgentDescriptor descriptor) {
    if (descriptor.builtin()) {
      return Optional.of("builtin");
    }
    Optional<Path> binary = resolve(descriptor);
    if (binary.isEmpty()) {
      return Optional.empty();
    }
    return VersionProbe.version(binary.get());
  }

  /**
   * Installs the agent unless it is already resolvable and {@code reinstall} is false: from the
   * sources its adapter lists, or through the adapter itself when it lists none. One install per
   * agent at a time, across processes.
   *
   * @return what was installed, or empty when nothing had to be done
   * @throws AgentFailure {@link AgentFailure.Kind#INSTALL_FAILED} on failure
   */
  public Optional<Installer.Result> install(LoadedAgent agent, boolean reinstall, String version,
      Installer.Listener listener) {
    AgentDescriptor descriptor = agent.descriptor();
    if (!reinstall && resolve(descriptor).isPresent()) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    boolean done = false;
    try {
      Optional<Installer.Result> result = installFrom(agent, reinstall, version, listener);
      done = true;
      if (result.isPresent()) {
        metrics.installed(descriptor.id(), System.nanoTime() - start);
      }
      return result;
    } finally {
      if (!done) {
        metrics.installFailed(descriptor.id());
      }
    }
  }

  private Optional<Installer.Result> installFrom(LoadedAgent agent, boolean reinstall, String version,
      Installer.Listener listener) {
    AgentDescriptor descriptor = agent.descriptor();
    try {
      List<InstallSource> sources =
          AgentCalls.call(agent, "installSources", () -> agent.adapter().installSources(installer.platform()));
      if (!sources.isEmpty()) {
        return installer.install(descriptor.id(), descriptor.binaryName(), sources, version, reinstall,
            () -> resolve(descriptor).isPresent(), listener);
      }
      return AdapterInstall.install(installer, agent, reinstall, version, () -> resolve(descriptor).isPresent());
    } catch (InstallException e) {
      throw AgentFailure.installFailed(descriptor.id(), e.getMessage(), e);
    } catch (AgentFailure e) {
      throw AgentFailure.installFailed(descriptor.id(), e.getMessage(), e);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "install of " + descriptor.id() + " failed", e);
      throw AgentFailure.installFailed(descriptor.id(), e.toString(), e);
    }
  }

  /** {@link #install(LoadedAgent, boolean, String, Installer.Listener)} without progress. */
  public Optional<Installer.Result> install(LoadedAgent agent, boolean reinstall, String version) {
    return install(agent, reinstall, version, Installer.Listener.NONE);
  }

  /** The agent's modes as its plugin lists them, or its descriptor's when the plugin fails to. */
  public List<AgentMode> modes(LoadedAgent agent) {
    List<AgentMode> listed = AgentCalls.callOr(agent, "listModes",
        () -> agent.adapter().listModes(context(installDir)), failure -> null);
    if (listed == null || listed.stream().anyMatch(Objects::isNull)) {
      LOG.log(System.Logger.Level.WARNING, "listing modes of " + agent.id() + " failed; using its defaults");
      return agent.descriptor().modes();
    }
    return listed;
  }

  /** An install context for listing modes and similar calls that install nothing. */
  private static InstallContext context(Path installDir) {
    return AdapterInstall.context(installDir, false, null);
  }
}
