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
