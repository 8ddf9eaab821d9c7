package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.InstallSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The vendor's download location: the latest version is read from the vendor's version URL when
 * there is one, the artifact is downloaded, and an archive is searched for the program by name.
 */
final class DownloadSource implements ProgramSource {

  private final InstallSource.Download source;
  private final Downloader downloader;
  private final ArchiveExtractor extractor;

  DownloadSource(InstallSource.Download source, Downloader downloader, ArchiveExtractor extractor) {
    this.source = requireNonNull(source, "source is null");
    this.downloader = requireNonNull(downloader, "downloader is null");
    this.extractor = requireNonNull(extractor, "extractor is null");
  }

  @Override
  public String name() {
    return "download " + (source.latestUrl() != null ? source.latestUrl() : source.versionedUrl());
  }

  @Override
  public Staged stage(Path staging, String version, String binaryName, Installer.Listener listener)
      throws InstallException, IOException {
    String resolvedVersion = version;
    URI url;
    if (resolvedVersion == null && source.versionUrl() != null) {
      URI versionUri = URI.create(source.versionUrl());
      listener.step("resolving the latest version from " + versionUri);
      resolvedVersion = new String(downloader.fetch(versionUri, Map.of()), StandardCharsets.UTF_8).strip();
      if (!Installer.VERSION.matcher(resolvedVersion).matches()) {
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
      binary = InstallFiles.findByName(tree, source.binaryName())
          .orElseThrow(() -> new InstallException("extract failed: missing " + source.binaryName()));
    }
    return new Staged(tree, binary, resolvedVersion == null ? "latest" : resolvedVersion, "download " + url);
  }
}
