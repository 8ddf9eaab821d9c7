package dev.sandboxagent.host.agent;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.host.ApiException;
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
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** Finds, probes and installs agent programs. */
public final class AgentCatalog {

  private static final System.Logger LOG = System.getLogger(AgentCatalog.class.getName());
  private static final long PROBE_TIMEOUT_MS = 5_000;
  private static final int PROBE_OUTPUT_LIMIT = 64 * 1024;

  private final Path installDir;
  private final Path defaultInstallDir;
  private final String path;
  private final Map<String, ReentrantLock> installLocks = new ConcurrentHashMap<>();

  /**
   * @param installDir where installs go and the first place binaries are looked for
   * @param defaultInstallDir the last-resort place binaries are looked for
   * @param path the {@code PATH} value to search, or null
   */
  public AgentCatalog(Path installDir, Path defaultInstallDir, String path) {
    this.installDir = requireNonNull(installDir, "installDir is null");
    this.defaultInstallDir = requireNonNull(defaultInstallDir, "defaultInstallDir is null");
    this.path = path == null ? "" : path;
  }

  public Path installDir() {
    return installDir;
  }

  /** The first existing file named after the agent's binary: install dir, PATH, default dir. */
  public Optional<Path> resolve(AgentDescriptor descriptor) {
    List<Path> candidates = new ArrayList<>();
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
   * Installs the agent unless it is already resolvable and {@code reinstall} is false. One install
   * per agent at a time within this daemon.
   *
   * @throws ApiException {@code install_failed} on failure
   */
  public void install(LoadedAgent agent, boolean reinstall, String version) {
    AgentDescriptor descriptor = agent.descriptor();
    if (!reinstall && resolve(descriptor).isPresent()) {
      return;
    }
    ReentrantLock lock = installLocks.computeIfAbsent(descriptor.id(), k -> new ReentrantLock());
    lock.lock();
    try {
      if (!reinstall && resolve(descriptor).isPresent()) {
        return;
      }
      Files.createDirectories(installDir);
      agent.adapter().install(new Context(installDir, reinstall, version));
    } catch (AgentException e) {
      throw ApiException.installFailed(descriptor.id(), e.getMessage(), e);
    } catch (IOException e) {
      throw ApiException.installFailed(descriptor.id(), "io error: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "install of " + descriptor.id() + " failed", e);
      throw ApiException.installFailed(descriptor.id(), e.toString(), e);
    } finally {
      lock.unlock();
    }
  }

  /** An install context for listing modes and similar calls that install nothing. */
  public InstallContext context() {
    return new Context(installDir, false, null);
  }

  private record Context(Path installDir, boolean reinstall, String version) implements InstallContext {
    @Override
    public System.Logger logger() {
      return LOG;
    }
  }
}
