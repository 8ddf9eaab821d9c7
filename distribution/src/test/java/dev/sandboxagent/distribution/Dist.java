package dev.sandboxagent.distribution;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the build put the distribution; failsafe passes the locations as system properties. */
final class Dist {

  private Dist() {}

  /** {@code target/sandbox-agent}. */
  /** Installs a real agent from the npm registry with {@code install-agent}; returns its program. */
  static Path installAgent(String agent, Path installDir) throws Exception {
    Process install = new ProcessBuilder(dir().resolve("bin/sandbox-agent").toString(), "install-agent", agent,
        "--install-sources", "npm", "--install-dir", installDir.toString()).redirectErrorStream(true).start();
    String log = new String(install.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!install.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || install.exitValue() != 0) {
      throw new AssertionError("install-agent " + agent + " failed: " + log);
    }
    return installDir.resolve(agent);
  }

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
