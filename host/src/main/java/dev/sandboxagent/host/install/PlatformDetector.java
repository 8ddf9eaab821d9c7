package dev.sandboxagent.host.install;

import dev.sandboxagent.api.Platform;
import java.nio.file.Files;
import java.nio.file.Path;

/** Detects the platform the daemon runs on, at run time. */
public final class PlatformDetector {

  private PlatformDetector() {}

  /** This machine; throws {@link IllegalArgumentException} ("unsupported platform …") elsewhere. */
  public static Platform current() {
    return detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""), Path.of("/"));
  }

  /**
   * The platform for these {@code os.name}/{@code os.arch} values; musl is detected by the dynamic
   * loader under {@code root} ({@code lib/ld-musl-<cpu>.so.1}), whatever C library the JVM uses.
   */
  public static Platform detect(String osName, String osArch, Path root) {
    Platform base = Platform.of(osName, osArch, false);
    if (!base.os().equals("linux")) {
      return base;
    }
    String cpu = base.arch().equals("x64") ? "x86_64" : "aarch64";
    boolean musl = Files.exists(root.resolve("lib/ld-musl-" + cpu + ".so.1"));
    return new Platform(base.os(), base.arch(), musl);
  }
}
