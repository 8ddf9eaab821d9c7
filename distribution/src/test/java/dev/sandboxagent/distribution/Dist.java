package dev.sandboxagent.distribution;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Where the build put the distribution; failsafe passes the locations as system properties. */
final class Dist {

  private Dist() {}

  /**
   * Installs a real agent from the npm registry with {@code install-agent} (plus {@code options},
   * such as {@code --reinstall}); returns its program.
   */
  static Path installAgent(String agent, Path installDir, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(dir().resolve("bin/sandbox-agent").toString(), "install-agent",
        agent, "--install-sources", "npm", "--install-dir", installDir.toString()));
    command.addAll(List.of(options));
    Process install = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
      throw new AssertionError("install-agent " + agent + " failed: " + log);
    }
    return installDir.resolve(agent);
  }

  /** Runs a short command and returns its output (stdout and stderr), stripped; fails unless it exits 0. */
  static String run(String... command) throws Exception {
    // no input: a program that reads its stdin (an ACP agent) ends at once
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /**
   * A Java home under {@code dir} whose release file says {@code version} and whose {@code bin/java}
   * is this JDK's program: what the launcher takes for a runtime of that version.
   */
  static Path javaHomeOfVersion(Path dir, String version) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("jdk-" + version + "/bin"));
    Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    Files.writeString(bin.resolveSibling("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return bin.getParent();
  }

  /** {@code target/sandbox-agent}. */
  static Path dir() {
    return Path.of(property("dist.dir"));
  }

  /** {@code target/sandbox-agent-<version>.tar.gz}. */
  static Path archive() {
    return Path.of(property("dist.archive"));
  }

  /** The archive's top directory, {@code sandbox-agent-<version>}. */
  static String archiveRoot() {
    return property("dist.archive.root");
  }

  /** The build's {@code .mvn/find-jdk.sh}, which the launcher ships as {@code bin/find-java.sh}. */
  static Path findJdkScript() {
    return Path.of(property("dist.find-jdk"));
  }

  static String version() {
    return property("dist.version");
  }

  /** The regular files of a directory of the layout, sorted by name. */
  static List<Path> files(String subdirectory) {
    try (Stream<Path> files = Files.list(dir().resolve(subdirectory))) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String property(String name) {
    return requireNonNull(System.getProperty(name), name + " is not set; run the test through failsafe");
  }
}
