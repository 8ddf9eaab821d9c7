package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.InstallSource;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js program from npm: the package is resolved on the registry (an exact version and its
 * integrity), installed with its dependencies by {@code npm install} into the staging tree (npm
 * checks every tarball against the registry's integrity; install scripts are not run), the
 * lockfile's record of the package is checked against the resolved integrity, and the program is
 * the file its {@code bin} names.
 */
final class NodePackageSource implements ProgramSource {

  /** How long one {@code npm install} may take. */
  static final Duration NPM_TIMEOUT = Duration.ofMinutes(15);
  private static final int OUTPUT_TAIL = 4_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InstallSource.NodePackage source;
  private final NpmRegistry npm;
  private final String path;

  /**
   * @param path the {@code PATH} to find {@code npm} on
   */
  NodePackageSource(InstallSource.NodePackage source, NpmRegistry npm, String path) {
    this.source = requireNonNull(source, "source is null");
    this.npm = requireNonNull(npm, "npm is null");
    this.path = path == null ? "" : path;
  }

  @Override
  public String name() {
    return "npm " + source.packageName();
  }

  @Override
  public Staged stage(Path staging, String version, String binaryName, Installer.Listener listener)
      throws InstallException, IOException {
    String wanted = version != null ? version : source.version();
    listener.step("resolving " + source.packageName() + "@" + (wanted == null ? "latest" : wanted)
        + " on " + npm.registry());
    NpmRegistry.Resolved pkg = npm.resolve(source.packageName(), wanted);
    Path npmProgram = npmProgram().orElseThrow(() -> new InstallException(
        "npm is not on PATH: " + source.packageName() + " is a Node.js program, installed with npm (install Node.js)"));
    Path tree = Files.createDirectories(staging.resolve("tree"));
    listener.step("installing " + pkg.name() + "@" + pkg.version() + " and its dependencies with npm");
    runNpm(npmProgram, tree, pkg);
    checkLockfile(tree, pkg);
    Path binary = binary(tree, pkg);
    return new Staged(tree, binary, pkg.version(), "npm " + pkg.name() + "@" + pkg.version());
  }

  private Optional<Path> npmProgram() {
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir).resolve("npm");
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private void runNpm(Path npmProgram, Path tree, NpmRegistry.Resolved pkg) throws InstallException, IOException {
    List<String> command = new ArrayList<>(List.of(npmProgram.toString(), "install", "--prefix", tree.toString(),
        "--registry", npm.registry().toString(), "--ignore-scripts", "--omit=dev", "--no-audit", "--no-fund",
        "--no-update-notifier", "--loglevel=error",
        // one quick retry: a failed tarball (a bad checksum too) fails the install in seconds, not minutes
        "--fetch-retries=1", "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=5000",
        pkg.name() + "@" + pkg.version()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(tree.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process = builder.start();
    try {
      StringBuilder tail = new StringBuilder();
      Thread reader = Thread.ofVirtual().start(() -> keepTail(process.getInputStream(), tail));
      if (!process.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new InstallException("npm install " + pkg.name() + "@" + pkg.version() + " did not finish within "
            + NPM_TIMEOUT.toMinutes() + " minutes");
      }
      reader.join(TimeUnit.SECONDS.toMillis(5));
      if (process.exitValue() != 0) {
        String output;
        synchronized (tail) {
          output = tail.toString().strip();
        }
        throw new InstallException("npm install " + pkg.name() + "@" + pkg.version() + " failed (exit "
            + process.exitValue() + ")" + (output.isEmpty() ? "" : ": " + output));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstallException("interrupted while npm installed " + pkg.name());
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** npm must have installed exactly the resolved package: its lockfile records version and integrity. */
  private static void checkLockfile(Path tree, NpmRegistry.Resolved pkg) throws InstallException, IOException {
    Path lockfile = tree.resolve("package-lock.json");
    if (!Files.isRegularFile(lockfile)) {
      throw new InstallException("npm wrote no package-lock.json for " + pkg.name());
    }
    JsonNode locked = JSON.readTree(lockfile.toFile()).path("packages").path("node_modules/" + pkg.name());
    String version = locked.path("version").asText("");
    String integrity = locked.path("integrity").asText(null);
    if (!version.equals(pkg.version())) {
      throw new InstallException("npm installed " + pkg.name() + "@" + version + ", not " + pkg.version());
    }
    if (!pkg.integrity().agreesWith(integrity)) {
      throw new InstallException("npm installed " + pkg.name() + "@" + pkg.version() + " with integrity "
          + integrity + ", not the registry's " + pkg.integrity());
    }
  }

  /** The file the package's {@code bin} names for the program. */
  private Path binary(Path tree, NpmRegistry.Resolved pkg) throws InstallException, IOException {
    Path packageDir = tree.resolve("node_modules").resolve(pkg.name()).normalize();
    Path manifest = packageDir.resolve("package.json");
    if (!packageDir.startsWith(tree) || !Files.isRegularFile(manifest)) {
      throw new InstallException("npm installed no " + pkg.name() + " into node_modules");
    }
    JsonNode bin = JSON.readTree(manifest.toFile()).path("bin");
    String file = bin.isTextual() ? bin.textValue() : bin.path(source.bin()).asText(null);
    if (file == null) {
      throw new InstallException(pkg.name() + "@" + pkg.version() + " has no program " + source.bin()
          + " in its bin");
    }
    Path binary = packageDir.resolve(file).normalize();
    if (!binary.startsWith(packageDir) || !Files.isRegularFile(binary, LinkOption.NOFOLLOW_LINKS)) {
      throw new InstallException(pkg.name() + "@" + pkg.version() + " has no file " + file + " (its bin "
          + source.bin() + ")");
    }
    return binary;
  }

  private static void keepTail(InputStream in, StringBuilder tail) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (tail) {
          tail.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
          if (tail.length() > OUTPUT_TAIL) {
            tail.delete(0, tail.length() - OUTPUT_TAIL);
          }
        }
      }
    } catch (IOException e) {
      // the process ended or was killed
    }
  }
}
