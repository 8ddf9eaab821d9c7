package dev.sandboxagent.host.agent;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.host.install.InstallException;
import dev.sandboxagent.host.install.Installer;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds, probes and installs agent programs. */
public final class AgentCatalog {

  private static final System.Logger LOG = System.getLogger(AgentCatalog.class.getName());
  private static final long PROBE_TIMEOUT_MS = 5_000;
  private static final int PROBE_OUTPUT_LIMIT = 64 * 1024;

  private final Path installDir;
  private final Path defaultInstallDir;
  private final String path;
  private final Map<String, Path> explicitBinaries;
  private final Installer installer;

  /**
   * @param installer installs agents into its install directory, the first place binaries are looked for
   * @param defaultInstallDir the last-resort place binaries are looked for
   * @param path the {@code PATH} value to search, or null
   * @param explicitBinaries per agent id, a program to use before any other
   */
  public AgentCatalog(Installer installer, Path defaultInstallDir, String path, Map<String, Path> explicitBinaries) {
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
    for (String arg : List.of("--version", "version", "-V")) {
      Optional<String> v = probe(binary.get(), arg);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> probe(Path binary, String arg) {
    Process process;
    try {
      process = new ProcessBuilder(binary.toString(), arg)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      return Optional.empty();
    }
    try {
      Thread errReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream()));
      String out = readLimited(process.getInputStream());
      if (!process.waitFor(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
      errReader.join(PROBE_TIMEOUT_MS);
      if (process.exitValue() != 0) {
        return Optional.empty();
      }
      return out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static String readLimited(InputStream in) {
    try (in) {
      byte[] bytes = in.readNBytes(PROBE_OUTPUT_LIMIT);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void drain(InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the probe only needs stdout
    }
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
    try {
      List<InstallSource> sources =
          AgentCalls.call(agent, "installSources", () -> agent.adapter().installSources(installer.platform()));
      if (!sources.isEmpty()) {
        return installer.install(descriptor.id(), descriptor.binaryName(), sources, version, reinstall,
            () -> resolve(descriptor).isPresent(), listener);
      }
      return installer.withLock(descriptor.id(), () -> {
        if (!reinstall && resolve(descriptor).isPresent()) {
          return Optional.<Installer.Result>empty();
        }
        Files.createDirectories(installDir);
        AgentCalls.run(agent, "install", () -> agent.adapter().install(new Context(installDir, reinstall, version)));
        return Optional.of(new Installer.Result(version == null ? "latest" : version,
            installDir.resolve(descriptor.binaryName()), "plugin " + agent.pluginId()));
      });
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
        () -> agent.adapter().listModes(new Context(installDir, false, null)), failure -> null);
    if (listed == null || listed.stream().anyMatch(Objects::isNull)) {
      LOG.log(System.Logger.Level.WARNING, "listing modes of " + agent.id() + " failed; using its defaults");
      return agent.descriptor().modes();
    }
    return listed;
  }

  /**
   * The state of the agent's shared server for the sharing {@code scope}: what its plugin says,
   * {@code error} with the failure when the plugin throws, {@code stopped} when it says nothing.
   */
  public ServerStatus serverStatus(LoadedAgent agent, String scope) {
    return AgentCalls.callOr(agent, "serverStatus", () -> agent.adapter().serverStatus(scope),
        failure -> failure.getCause() == null
            ? ServerStatus.stopped()
            : new ServerStatus("error", null, null, 0, "serverStatus failed: " + failure.getCause()));
  }

  private record Context(Path installDir, boolean reinstall, String version) implements InstallContext {
    @Override
    public System.Logger logger() {
      return LOG;
    }
  }
}
