package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Set;

/**
 * The machine an agent program must run on, detected by the host at run time.
 *
 * @param os {@code linux} or {@code darwin}
 * @param arch {@code x64} or {@code arm64}
 * @param musl whether the C library is musl (Linux only; detected from the dynamic loader present,
 *     not from how the daemon was built)
 */
public record Platform(String os, String arch, boolean musl) {

  private static final Set<String> OSES = Set.of("linux", "darwin");
  private static final Set<String> ARCHES = Set.of("x64", "arm64");

  /** Validates the platform. */
  public Platform {
    requireNonNull(os, "os is null");
    requireNonNull(arch, "arch is null");
    if (!OSES.contains(os) || !ARCHES.contains(arch)) {
      throw new IllegalArgumentException("unsupported platform " + os + "/" + arch);
    }
    if (!os.equals("linux")) {
      musl = false;
    }
  }

  /**
   * Maps Java's {@code os.name}/{@code os.arch} values; throws {@link IllegalArgumentException}
   * naming the platform when it is not supported.
   */
  public static Platform of(String osName, String osArch, boolean musl) {
    String name = osName.toLowerCase(Locale.ROOT);
    String os = name.startsWith("linux") ? "linux" : name.startsWith("mac") || name.startsWith("darwin") ? "darwin" : name;
    String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64", "x64" -> "x64";
      case "aarch64", "arm64" -> "arm64";
      default -> osArch;
    };
    return new Platform(os, arch, musl);
  }

  /** {@code linux-x64}, {@code linux-x64-musl}, {@code linux-arm64}, {@code linux-arm64-musl}, {@code darwin-arm64}… */
  public String id() {
    return os + "-" + arch + (musl ? "-musl" : "");
  }

  /** The Rust-style target triple of the platform, e.g. {@code x86_64-unknown-linux-musl}. */
  public String rustTarget(boolean preferMusl) {
    String cpu = arch.equals("x64") ? "x86_64" : "aarch64";
    if (os.equals("darwin")) {
      return cpu + "-apple-darwin";
    }
    return cpu + "-unknown-linux-" + (musl || preferMusl ? "musl" : "gnu");
  }

  @Override
  public String toString() {
    return id();
  }
}
