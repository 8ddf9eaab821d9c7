package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.InstallSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An archive, directory or program given by the user, for offline installs. The program is looked
 * for where the adapter's sources would have put it, then by name; the version is the one of a
 * {@code package.json} in it, else {@code local}.
 */
final class LocalSource implements ProgramSource {

  private static final Pattern PACKAGE_VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

  private final Path local;
  private final List<InstallSource> sources;
  private final ArchiveExtractor extractor;

  /**
   * @param local the user's archive, directory or program
   * @param sources the adapter's sources, which tell where the program is in the tree
   */
  LocalSource(Path local, List<InstallSource> sources, ArchiveExtractor extractor) {
    this.local = requireNonNull(local, "local is null");
    this.sources = requireNonNull(sources, "sources is null");
    this.extractor = requireNonNull(extractor, "extractor is null");
  }

  @Override
  public String name() {
    return "local " + local;
  }

  @Override
  public Staged stage(Path staging, String version, String binaryName, Installer.Listener listener)
      throws InstallException, IOException {
    Path tree = staging.resolve("tree");
    if (Files.isDirectory(local)) {
      listener.step("copying " + local);
      InstallFiles.copyTree(local, tree);
    } else if (Files.isRegularFile(local)) {
      if (InstallFiles.isArchive(local.getFileName().toString())) {
        listener.step("extracting " + local);
        extractor.extract(local, tree);
      } else {
        Files.createDirectories(tree);
        Files.copy(local, tree.resolve(binaryName));
      }
    } else {
      throw new InstallException("no such file or directory");
    }
    Path binary = findBinary(tree, binaryName)
        .orElseThrow(() -> new InstallException("no program named " + binaryName + " in " + local));
    String found = packageVersion(tree).orElse("local");
    return new Staged(tree, binary, found, "local " + local);
  }

  private Optional<Path> findBinary(Path tree, String binaryName) throws IOException {
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
        Optional<Path> found = InstallFiles.findByName(tree, d.binaryName());
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return InstallFiles.findByName(tree, binaryName);
  }

  private static Optional<String> packageVersion(Path tree) {
    for (Path manifest : List.of(tree.resolve("package/package.json"), tree.resolve("package.json"))) {
      if (Files.isRegularFile(manifest)) {
        try {
          Matcher m = PACKAGE_VERSION.matcher(Files.readString(manifest));
          if (m.find() && Installer.VERSION.matcher(m.group(1)).matches()) {
            return Optional.of(m.group(1));
          }
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
