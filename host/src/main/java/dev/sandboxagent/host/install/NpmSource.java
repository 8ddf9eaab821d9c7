package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An npm package with a platform package holding the program: the main package is resolved, its
 * optional dependency for this platform (an {@code npm:name@version} alias is followed) is
 * downloaded and extracted, and the program is taken from its {@code package/} directory.
 */
final class NpmSource implements ProgramSource {

  private static final System.Logger LOG = System.getLogger(Installer.class.getName());
  private static final Pattern NPM_ALIAS = Pattern.compile("npm:((?:@[^/@]+/)?[^@]+)@(.+)");

  private final InstallSource.Npm source;
  private final NpmRegistry npm;
  private final ArchiveExtractor extractor;
  private final Platform platform;

  NpmSource(InstallSource.Npm source, NpmRegistry npm, ArchiveExtractor extractor, Platform platform) {
    this.source = requireNonNull(source, "source is null");
    this.npm = requireNonNull(npm, "npm is null");
    this.extractor = requireNonNull(extractor, "extractor is null");
    this.platform = requireNonNull(platform, "platform is null");
  }

  @Override
  public String name() {
    return "npm " + source.packageName();
  }

  @Override
  public Staged stage(Path staging, String version, String binaryName, Installer.Listener listener)
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
