package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

/**
 * One place an agent's program can be installed from, as described by its adapter. The host does
 * the work — downloads with timeouts, integrity checks, extraction that cannot escape its target,
 * locking and atomic replacement — so adapters only say where the program is.
 */
public sealed interface InstallSource {

  /**
   * An npm package whose platform-specific dependency holds the native program, the way the
   * vendors publish them: the main package is resolved (latest, a dist-tag or the pinned version),
   * its {@code optionalDependencies} entry {@code platformDependency} names the package and version
   * to download (an {@code npm:name@version} alias is followed), and {@code binaryPath} is the
   * program inside that package's {@code package/} directory.
   *
   * @param packageName the main package, e.g. {@code @openai/codex}
   * @param platformDependency the key in the main package's {@code optionalDependencies}, e.g.
   *     {@code @openai/codex-linux-x64}
   * @param binaryPath the program's path inside the platform package, e.g. {@code bin/opencode}
   */
  record Npm(String packageName, String platformDependency, String binaryPath) implements InstallSource {
    /** Validates the source. */
    public Npm {
      requireNonNull(packageName, "packageName is null");
      requireNonNull(platformDependency, "platformDependency is null");
      requireNonNull(binaryPath, "binaryPath is null");
    }
  }

  /**
   * An npm package that is a Node.js program, installed with its dependencies the way {@code npm
   * install} installs it (every tarball checked against the registry's integrity), into a tree of
   * its own in the install directory; the program is the package's {@code bin} entry {@code bin}.
   * Needs {@code npm} on the daemon's {@code PATH}, and Node.js to run.
   *
   * @param packageName the package, e.g. {@code @qwen-code/qwen-code}
   * @param version the version or dist-tag installed when none is asked for, or null for the latest
   * @param bin the name of the program in the package's {@code bin}, e.g. {@code qwen}
   * @since 1.3
   */
  record NodePackage(String packageName, String version, String bin) implements InstallSource {
    /** Validates the source. */
    public NodePackage {
      requireNonNull(packageName, "packageName is null");
      requireNonNull(bin, "bin is null");
    }
  }

  /**
   * A download from the vendor's own location.
   *
   * @param versionedUrl the artifact URL with {@code {version}} where the version goes
   * @param latestUrl the artifact URL of the latest release, or null to use {@code versionUrl}
   * @param versionUrl a URL whose body is the latest version number, or null
   * @param format how the artifact is packed
   * @param binaryName for archives: the file name of the program inside it (searched for at any
   *     depth); for {@link Format#RAW}: ignored
   */
  record Download(String versionedUrl, String latestUrl, String versionUrl, Format format, String binaryName)
      implements InstallSource {
    /** Validates the source. */
    public Download {
      requireNonNull(versionedUrl, "versionedUrl is null");
      requireNonNull(format, "format is null");
      if (latestUrl == null && versionUrl == null) {
        throw new IllegalArgumentException("a download needs a latestUrl or a versionUrl");
      }
      if (format != Format.RAW) {
        requireNonNull(binaryName, "binaryName is null");
      }
    }
  }

  /** How an artifact is packed. */
  enum Format {
    /** The program itself. */
    RAW,
    /** A gzip-compressed tar archive. */
    TAR_GZ,
    /** An xz-compressed tar archive. */
    TAR_XZ,
    /** A zip archive. */
    ZIP
  }
}
