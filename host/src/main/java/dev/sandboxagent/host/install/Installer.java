package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.host.install.InstallSettings.SourceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Installs agent programs from the sources their adapters describe, safely:
 *
 * <ul>
 *   <li>everything is downloaded and extracted into a staging directory inside the install
 *       directory, checked, then renamed into {@code .agents/<agent>/<version>-<nonce>}, and the
 *       program link {@code <install dir>/<name>} is replaced by an atomic rename — a crash at any
 *       point leaves the previous install working ({@link InstallLayout});
 *   <li>installs of one agent are serialized within the process and across processes (a CLI
 *       install and a daemon, or two daemons) by a lock file, and the caller's "already installed?"
 *       check runs again once the lock is held, so concurrent requests do one download
 *       ({@link InstallLock});
 *   <li>every download has connect and stall timeouts, is verified against the registry's
 *       integrity when there is one, and archives cannot write outside their target.
 * </ul>
 *
 * <p>The sources are tried in the order of the settings' source kinds: the user's local file
 * ({@link LocalSource}), the npm registry ({@link NpmSource} for a native program, {@link
 * NodePackageSource} for a Node.js one), the vendor's download location
 * ({@link DownloadSource}); the first that installs wins.
 */
public final class Installer {

  private static final System.Logger LOG = System.getLogger(Installer.class.getName());
  /** A version or dist-tag as accepted from users and vendors. */
  static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,127}");

  /**
   * What an install did.
   *
   * @param version the installed version ({@code local} when a local file had none)
   * @param binary the program link in the install directory
   * @param source where it came from, e.g. {@code npm @openai/codex@0.169.0}
   */
  public record Result(String version, Path binary, String source) {}

  /** Receives progress messages and download figures; the CLI prints them, the daemon logs them. */
  public interface Listener extends Downloader.Progress {
    /** A step starts, e.g. {@code downloading https://…}. */
    void step(String message);

    /** A listener that ignores everything. */
    Listener NONE = new Listener() {
      @Override
      public void step(String message) {}

      @Override
      public void update(long bytes, long total) {}
    };
  }

  private final InstallLayout layout;
  private final Platform platform;
  private final InstallSettings settings;
  private final NpmRegistry npm;
  private final Downloader downloader;
  private final ArchiveExtractor extractor;
  private final InstallLock lock;

  public Installer(Path installDir, Platform platform, InstallSettings settings, NpmRegistry npm,
      Downloader downloader, ArchiveExtractor extractor, Duration lockTimeout) {
    this.layout = new InstallLayout(requireNonNull(installDir, "installDir is null").toAbsolutePath());
    this.platform = requireNonNull(platform, "platform is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.npm = requireNonNull(npm, "npm is null");
    this.downloader = requireNonNull(downloader, "downloader is null");
    this.extractor = requireNonNull(extractor, "extractor is null");
    this.lock = new InstallLock(layout, requireNonNull(lockTimeout, "lockTimeout is null"));
  }

  public Platform platform() {
    return platform;
  }

  public Path installDir() {
    return layout.installDir();
  }

  /**
   * Runs {@code body} holding the agent's install lock (in this process and across processes).
   *
   * @throws InstallException when the lock cannot be had within the lock timeout
   */
  public <T> T withLock(String agent, LockedBody<T> body) throws InstallException {
    return lock.withLock(agent, body);
  }

  /** Work done under an install lock. */
  @FunctionalInterface
  public interface LockedBody<T> {
    T run() throws InstallException, IOException;
  }

  /**
   * Installs {@code agent} unless {@code installed} says it is there (checked again under the lock)
   * and {@code reinstall} is false.
   *
   * @param agent the agent id
   * @param binaryName the program's file name in the install directory
   * @param sources the adapter's sources for this platform
   * @param version the version or dist-tag to install, or null for the latest
   * @return the result, or empty when nothing had to be done
   * @throws InstallException when every source failed; the message lists each failure
   */
  public Optional<Result> install(String agent, String binaryName, List<InstallSource> sources, String version,
      boolean reinstall, BooleanSupplier installed, Listener listener) throws InstallException {
    requireNonNull(listener, "listener is null");
    if (version != null && !version.isBlank() && !VERSION.matcher(version.strip()).matches()) {
      throw new InstallException("invalid version: " + version);
    }
    String wanted = version == null || version.isBlank() ? null : version.strip();
    return withLock(agent, () -> {
      if (!reinstall && installed.getAsBoolean()) {
        return Optional.empty();
      }
      return Optional.of(installLocked(agent, binaryName, sources, wanted, listener));
    });
  }

  private Result installLocked(String agent, String binaryName, List<InstallSource> sources, String version,
      Listener listener) throws InstallException, IOException {
    Path agentDir = layout.agentDir(agent);
    List<String> failures = new ArrayList<>();
    for (SourceKind kind : settings.sources()) {
      for (ProgramSource source : sources(kind, agent, sources)) {
        Path staging = layout.newStaging(agentDir);
        try {
          Files.createDirectories(staging);
          ProgramSource.Staged staged = source.stage(staging, version, binaryName, listener);
          return layout.commit(agent, binaryName, agentDir, staged);
        } catch (InstallException | IOException | UncheckedIOException e) {
          String message = source.name() + ": " + InstallFiles.describe(e);
          LOG.log(System.Logger.Level.INFO, "install of {0} failed from {1}", agent, message);
          listener.step("failed: " + message);
          failures.add(message);
        } finally {
          InstallFiles.deleteTree(staging);
        }
      }
    }
    if (failures.isEmpty()) {
      throw new InstallException("no install source for " + agent + " on " + platform
          + " (sources tried: " + settings.sources().stream().map(SourceKind::cliName).toList() + ")");
    }
    throw new InstallException(String.join("; ", failures));
  }

  /** The sources of this kind for the agent, in the adapter's order. */
  private List<ProgramSource> sources(SourceKind kind, String agent, List<InstallSource> sources) {
    List<ProgramSource> out = new ArrayList<>();
    switch (kind) {
      case LOCAL -> {
        Path local = settings.archives().get(agent);
        if (local != null) {
          out.add(new LocalSource(local, sources, extractor));
        }
      }
      case NPM -> sources.forEach(s -> {
        if (s instanceof InstallSource.Npm n) {
          out.add(new NpmSource(n, npm, extractor, platform));
        } else if (s instanceof InstallSource.NodePackage p) {
          out.add(new NodePackageSource(p, npm, System.getenv("PATH")));
        }
      });
      case VENDOR -> sources.stream()
          .filter(InstallSource.Download.class::isInstance)
          .map(InstallSource.Download.class::cast)
          .forEach(s -> out.add(new DownloadSource(s, downloader, extractor)));
    }
    return out;
  }
}
