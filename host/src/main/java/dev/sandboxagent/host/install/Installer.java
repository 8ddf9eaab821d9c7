package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.host.install.InstallSettings.SourceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Installs agent programs from the sources their adapters describe, safely:
 *
 * <ul>
 *   <li>everything is downloaded and extracted into a staging directory inside the install
 *       directory, checked, then renamed into {@code .agents/<agent>/<version>-<nonce>}, and the
 *       program link {@code <install dir>/<name>} is replaced by an atomic rename — a crash at any
 *       point leaves the previous install working;
 *   <li>installs of one agent are serialized within the process and across processes (a CLI
 *       install and a daemon, or two daemons) by a lock file, and the caller's "already installed?"
 *       check runs again once the lock is held, so concurrent requests do one download;
 *   <li>every download has connect and stall timeouts, is verified against the registry's
 *       integrity when there is one, and archives cannot write outside their target.
 * </ul>
 */
public final class Installer {

  private static final System.Logger LOG = System.getLogger(Installer.class.getName());
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,127}");
  private static final Pattern NPM_ALIAS = Pattern.compile("npm:((?:@[^/@]+/)?[^@]+)@(.+)");
  private static final Set<PosixFilePermission> EXECUTABLE = EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);

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

  private final Path installDir;
  private final Platform platform;
  private final InstallSettings settings;
  private final NpmRegistry npm;
  private final Downloader downloader;
  private final ArchiveExtractor extractor;
  private final Duration lockTimeout;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  public Installer(Path installDir, Platform platform, InstallSettings settings, NpmRegistry npm,
      Downloader downloader, ArchiveExtractor extractor, Duration lockTimeout) {
    this.installDir = requireNonNull(installDir, "installDir is null").toAbsolutePath();
    this.platform = requireNonNull(platform, "platform is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.npm = requireNonNull(npm, "npm is null");
    this.downloader = requireNonNull(downloader, "downloader is null");
    this.extractor = requireNonNull(extractor, "extractor is null");
    this.lockTimeout = requireNonNull(lockTimeout, "lockTimeout is null");
  }

  public Platform platform() {
    return platform;
  }

  public Path installDir() {
    return installDir;
  }

  /**
   * Runs {@code body} holding the agent's install lock (in this process and across processes).
   *
   * @throws InstallException when the lock cannot be had within the lock timeout
   */
  public <T> T withLock(String agent, LockedBody<T> body) throws InstallException {
    ReentrantLock local = locks.computeIfAbsent(agent, k -> new ReentrantLock());
    long deadline = System.nanoTime() + lockTimeout.toNanos();
    try {
      if (!local.tryLock(lockTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new InstallException("another install of " + agent + " is still running after " + lockTimeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstallException("interrupted while waiting for another install of " + agent, e);
    }
    try {
      Path lockFile = installDir.resolve(".locks").resolve(agent + ".lock");
      Files.createDirectories(lockFile.getParent());
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = acquire(channel, agent, deadline);
        try {
          return body.run();
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new InstallException("io error: " + describe(e), e);
    } finally {
      local.unlock();
    }
  }

  /** Work done under an install lock. */
  @FunctionalInterface
  public interface LockedBody<T> {
    T run() throws InstallException, IOException;
  }

  private FileLock acquire(FileChannel channel, String agent, long deadline) throws IOException, InstallException {
    boolean announced = false;
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // another installer of this process holds it
      }
      if (lock != null) {
        return lock;
      }
      if (!announced) {
        LOG.log(System.Logger.Level.INFO, "waiting for another process installing {0}", agent);
        announced = true;
      }
      if (System.nanoTime() > deadline) {
        throw new InstallException("another process is still installing " + agent + " after " + lockTimeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InstallException("interrupted while waiting for another install of " + agent, e);
      }
    }
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
    Path agentDir = installDir.resolve(".agents").resolve(agent);
    Files.createDirectories(agentDir);
    removeStaging(agentDir);
    List<String> failures = new ArrayList<>();
    for (SourceKind kind : settings.sources()) {
      for (Attempt attempt : attempts(kind, agent, sources)) {
        Path staging = agentDir.resolve(".staging-" + nonce());
        try {
          Files.createDirectories(staging);
          Staged staged = attempt.stage(staging, version, binaryName, listener);
          return commit(agent, binaryName, agentDir, staged, listener);
        } catch (InstallException | IOException | UncheckedIOException e) {
          String message = attempt.name() + ": " + describe(e);
          LOG.log(System.Logger.Level.INFO, "install of {0} failed from {1}", agent, message);
          listener.step("failed: " + message);
          failures.add(message);
        } finally {
          deleteTree(staging);
        }
      }
    }
    if (failures.isEmpty()) {
      throw new InstallException("no install source for " + agent + " on " + platform
          + " (sources tried: " + settings.sources().stream().map(SourceKind::cliName).toList() + ")");
    }
    throw new InstallException(String.join("; ", failures));
  }

  private static String describe(Throwable e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    String message = t.getMessage();
    if (t instanceof FileSystemException fse && fse.getReason() != null) {
      return "io error: " + fse.getReason() + (fse.getFile() != null ? " (" + fse.getFile() + ")" : "");
    }
    return message == null ? t.toString() : message;
  }

  private record Staged(Path tree, Path binary, String version, String source) {}

  private interface Attempt {
    String name();

    Staged stage(Path staging, String version, String binaryName, Listener listener)
        throws InstallException, IOException;
  }

  private List<Attempt> attempts(SourceKind kind, String agent, List<InstallSource> sources) {
    List<Attempt> out = new ArrayList<>();
    switch (kind) {
      case LOCAL -> {
        Path local = settings.archives().get(agent);
        if (local != null) {
          out.add(new LocalAttempt(local, sources));
        }
      }
      case NPM -> sources.stream()
          .filter(InstallSource.Npm.class::isInstance)
          .map(InstallSource.Npm.class::cast)
          .forEach(s -> out.add(new NpmAttempt(s)));
      case VENDOR -> sources.stream()
          .filter(InstallSource.Download.class::isInstance)
          .map(InstallSource.Download.class::cast)
          .forEach(s -> out.add(new DownloadAttempt(s)));
    }
    return out;
  }

  /** A user-given archive, directory or program. */
  private final class LocalAttempt implements Attempt {
    private final Path local;
    private final List<InstallSource> sources;

    LocalAttempt(Path local, List<InstallSource> sources) {
      this.local = local;
      this.sources = sources;
    }

    @Override
    public String name() {
      return "local " + local;
    }

    @Override
    public Staged stage(Path staging, String version, String binaryName, Listener listener)
        throws InstallException, IOException {
      Path tree = staging.resolve("tree");
      if (Files.isDirectory(local)) {
        listener.step("copying " + local);
        copyTree(local, tree);
      } else if (Files.isRegularFile(local)) {
        if (isArchive(local.getFileName().toString())) {
          listener.step("extracting " + local);
          extractor.extract(local, tree);
        } else {
          Files.createDirectories(tree);
          Files.copy(local, tree.resolve(binaryName));
        }
      } else {
        throw new InstallException("no such file or directory");
      }
      Path binary = findBinary(tree, binaryName, sources)
          .orElseThrow(() -> new InstallException("no program named " + binaryName + " in " + local));
      String found = packageVersion(tree).orElse("local");
      return new Staged(tree, binary, found, "local " + local);
    }
  }

  /** An npm package with a platform package holding the program. */
  private final class NpmAttempt implements Attempt {
    private final InstallSource.Npm source;

    NpmAttempt(InstallSource.Npm source) {
      this.source = source;
    }

    @Override
    public String name() {
      return "npm " + source.packageName();
    }

    @Override
    public Staged stage(Path staging, String version, String binaryName, Listener listener)
        throws InstallException, IOException {
      listener.step("resolving " + source.packageName() + "@" + (version == null ? "latest" : version)
          + " on " + npm.registry());
      NpmRegistry.Resolved main = npm.resolve(source.packageName(), version);
      String spec = main.optionalDependencies().get(source.platformDependency());
      if (spec == null) {
        throw new InstallException(source.packageName() + "@" + main.version() + " has no build for " + platform
            + " (no optional dependency " + source.platformDependency() + ")");
      }
      String platformName = source.platformDependency();
      String platformVersion = spec;
      Matcher alias = NPM_ALIAS.matcher(spec);
      if (alias.matches()) {
        platformName = alias.group(1);
        platformVersion = alias.group(2);
      }
      NpmRegistry.Resolved pkg;
      String installedVersion = main.version();
      try {
        pkg = npm.resolve(platformName, platformVersion);
      } catch (DownloadException e) {
        if (version != null) {
          throw e;
        }
        // A registry mirror may lag behind the main package; unpinned installs take the platform
        // package's own latest rather than failing.
        LOG.log(System.Logger.Level.WARNING, "{0}@{1} unavailable ({2}); using its latest", platformName,
            platformVersion, e.getMessage());
        pkg = npm.resolve(platformName, null);
        installedVersion = pkg.version();
      }
      listener.step("downloading " + pkg.name() + "@" + pkg.version() + " from " + pkg.tarball());
      Path download = Files.createDirectories(staging.resolve("download"));
      Path tarball = npm.download(pkg, download, listener);
      Path tree = staging.resolve("tree");
      listener.step("extracting " + tarball.getFileName());
      extractor.extract(tarball, tree);
      Path binary = tree.resolve("package").resolve(source.binaryPath()).normalize();
      if (!binary.startsWith(tree) || !Files.isRegularFile(binary, LinkOption.NOFOLLOW_LINKS)) {
        throw new InstallException(pkg.name() + "@" + pkg.version() + " has no file package/" + source.binaryPath());
      }
      return new Staged(tree, binary, installedVersion, "npm " + pkg.name() + "@" + pkg.version());
    }
  }

  /** The vendor's download location. */
  private final class DownloadAttempt implements Attempt {
    private final InstallSource.Download source;

    DownloadAttempt(InstallSource.Download source) {
      this.source = source;
    }

    @Override
    public String name() {
      return "download " + (source.latestUrl() != null ? source.latestUrl() : source.versionedUrl());
    }

    @Override
    public Staged stage(Path staging, String version, String binaryName, Listener listener)
        throws InstallException, IOException {
      String resolvedVersion = version;
      URI url;
      if (resolvedVersion == null && source.versionUrl() != null) {
        URI versionUri = URI.create(source.versionUrl());
        listener.step("resolving the latest version from " + versionUri);
        resolvedVersion = new String(downloader.fetch(versionUri, Map.of()), StandardCharsets.UTF_8).strip();
        if (!VERSION.matcher(resolvedVersion).matches()) {
          throw new InstallException("unexpected version text from " + versionUri);
        }
      }
      if (resolvedVersion != null) {
        url = URI.create(source.versionedUrl().replace("{version}", resolvedVersion));
      } else {
        url = URI.create(source.latestUrl());
      }
      String file = switch (source.format()) {
        case RAW -> binaryName;
        case TAR_GZ -> "artifact.tar.gz";
        case TAR_XZ -> "artifact.tar.xz";
        case ZIP -> "artifact.zip";
      };
      Path download = Files.createDirectories(staging.resolve("download")).resolve(file);
      listener.step("downloading " + url);
      downloader.download(url, download, Integrity.none(), Map.of(), listener);
      Path tree = staging.resolve("tree");
      Path binary;
      if (source.format() == InstallSource.Format.RAW) {
        Files.createDirectories(tree);
        binary = Files.move(download, tree.resolve(binaryName));
      } else {
        listener.step("extracting " + url.getPath().substring(url.getPath().lastIndexOf('/') + 1));
        extractor.extract(download, tree);
        binary = findByName(tree, source.binaryName())
            .orElseThrow(() -> new InstallException("extract failed: missing " + source.binaryName()));
      }
      return new Staged(tree, binary, resolvedVersion == null ? "latest" : resolvedVersion, "download " + url);
    }
  }

  /** Moves the staged tree into place and swaps the program link atomically. */
  private Result commit(String agent, String binaryName, Path agentDir, Staged staged, Listener listener)
      throws IOException, InstallException {
    if (Files.size(staged.binary()) == 0) {
      throw new InstallException("the program " + staged.tree().relativize(staged.binary()) + " is empty");
    }
    makeExecutable(staged.binary());
    String dirName = safeName(staged.version()) + "-" + nonce();
    Path finalTree = agentDir.resolve(dirName);
    Files.move(staged.tree(), finalTree, StandardCopyOption.ATOMIC_MOVE);
    Path binary = finalTree.resolve(staged.tree().relativize(staged.binary()));
    Path link = installDir.resolve(binaryName);
    Path tmpLink = installDir.resolve("." + binaryName + "." + nonce() + ".tmp");
    try {
      Files.createSymbolicLink(tmpLink, installDir.relativize(binary));
      moveAtomically(tmpLink, link);
    } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
      Files.deleteIfExists(tmpLink);
      Path tmpCopy = installDir.resolve("." + binaryName + "." + nonce() + ".tmp");
      Files.copy(binary, tmpCopy);
      makeExecutable(tmpCopy);
      moveAtomically(tmpCopy, link);
    }
    removeOlderTrees(agentDir, dirName);
    LOG.log(System.Logger.Level.INFO, "installed {0} {1} at {2} from {3}", agent, staged.version(), link, staged.source());
    return new Result(staged.version(), link, staged.source());
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void removeOlderTrees(Path agentDir, String keep) {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(agentDir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!name.equals(keep) && !name.startsWith(".")) {
          // A session may still run the old program; Unix keeps its file alive until it exits.
          deleteTree(child);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot list {0}: {1}", agentDir, e.getMessage());
    }
  }

  private static void removeStaging(Path agentDir) {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(agentDir, ".staging-*")) {
      for (Path child : children) {
        deleteTree(child);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot list {0}: {1}", agentDir, e.getMessage());
    }
  }

  private static Optional<Path> findBinary(Path tree, String binaryName, List<InstallSource> sources) throws IOException {
    for (InstallSource source : sources) {
      if (source instanceof InstallSource.Npm n) {
        for (Path candidate : List.of(tree.resolve("package").resolve(n.binaryPath()), tree.resolve(n.binaryPath()))) {
          Path c = candidate.normalize();
          if (c.startsWith(tree) && Files.isRegularFile(c, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(c);
          }
        }
      }
    }
    for (InstallSource source : sources) {
      if (source instanceof InstallSource.Download d && d.binaryName() != null) {
        Optional<Path> found = findByName(tree, d.binaryName());
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return findByName(tree, binaryName);
  }

  /** The shallowest regular file called {@code name} under {@code tree}. */
  private static Optional<Path> findByName(Path tree, String name) throws IOException {
    try (Stream<Path> files = Files.walk(tree)) {
      return files
          .filter(p -> p.getFileName().toString().equals(name))
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .min(Comparator.comparingInt(Path::getNameCount).thenComparing(Path::toString));
    }
  }

  private static Optional<String> packageVersion(Path tree) {
    for (Path manifest : List.of(tree.resolve("package/package.json"), tree.resolve("package.json"))) {
      if (Files.isRegularFile(manifest)) {
        try {
          Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(manifest));
          if (m.find() && VERSION.matcher(m.group(1)).matches()) {
            return Optional.of(m.group(1));
          }
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isArchive(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    return n.endsWith(".tgz") || n.endsWith(".tar.gz") || n.endsWith(".tar") || n.endsWith(".zip")
        || n.endsWith(".tar.xz") || n.endsWith(".txz");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(dest);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
        // links in a user's directory are not followed: they could point anywhere
      }
    }
  }

  private static void makeExecutable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, EXECUTABLE);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to set
    }
  }

  private static String safeName(String version) {
    return version.replaceAll("[^0-9A-Za-z._+-]", "_");
  }

  private static String nonce() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}", p, e.getMessage());
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}", root, e.getMessage());
    }
  }
}
