package dev.sandboxagent.host.daemon;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.host.http.CorsConfig;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.tenant.Tenants;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's configuration.
 *
 * @param host bind address
 * @param port TCP port (0 picks a free one)
 * @param token the bearer token, or null when authentication is off
 * @param cors CORS settings
 * @param pluginsDir where plugin JARs are loaded from
 * @param installDir where agent programs are installed
 * @param defaultInstallDir the last-resort place agent programs are looked for
 * @param maxBodyBytes the largest accepted request body
 * @param keepAlive the interval of SSE keep-alive comments
 * @param workingDirectory the agents' working directory
 * @param install install sources and their settings
 * @param tenants the tenants of a shared daemon (none: the single-token configuration)
 * @param headerTimeout the longest time from a request line to the end of its headers
 * @param idleTimeout the longest time a connection may sit without a request in progress, or wait for
 *     the next bytes of a request body
 * @param dataDir where sessions and their events are stored, or null to keep them in memory only
 * @param retention how long ended sessions are kept after their end, or null to keep them until deleted
 * @param eventSink where sessions and events are exported ({@code postgresql://…}), or null for nowhere
 */
public record HostConfig(
    String host, int port, String token, CorsConfig cors, Path pluginsDir, Path installDir, Path defaultInstallDir,
    long maxBodyBytes, Duration keepAlive, Path workingDirectory, InstallSettings install,
    Tenants tenants, Duration headerTimeout, Duration idleTimeout, Path dataDir, Duration retention, URI eventSink) {

  /** The default body limit: 10 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

  /** The default keep-alive interval: 15 s. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);

  /** The default header timeout: 10 s. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** The default idle timeout: 60 s. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** A whole number with a unit: {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 500ms}. */
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(d|h|m|s|ms)");

  public HostConfig {
    requireNonNull(host, "host is null");
    requireNonNull(cors, "cors is null");
    requireNonNull(pluginsDir, "pluginsDir is null");
    requireNonNull(installDir, "installDir is null");
    requireNonNull(defaultInstallDir, "defaultInstallDir is null");
    requireNonNull(keepAlive, "keepAlive is null");
    requireNonNull(workingDirectory, "workingDirectory is null");
    requireNonNull(install, "install is null");
    requireNonNull(tenants, "tenants is null");
    requireNonNull(headerTimeout, "headerTimeout is null");
    requireNonNull(idleTimeout, "idleTimeout is null");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    if (!headerTimeout.isPositive() || !idleTimeout.isPositive()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (retention != null && !retention.isPositive()) {
      throw new IllegalArgumentException("retention must be positive");
    }
    if (eventSink != null && dataDir == null) {
      throw new IllegalArgumentException("an event sink exports from the data directory: it cannot be used with"
          + " --ephemeral");
    }
  }

  /** A configuration with the default timeouts that keeps its sessions in memory only. */
  public HostConfig(String host, int port, String token, CorsConfig cors, Path pluginsDir, Path installDir,
      Path defaultInstallDir, long maxBodyBytes, Duration keepAlive, Path workingDirectory, InstallSettings install,
      Tenants tenants) {
    this(host, port, token, cors, pluginsDir, installDir, defaultInstallDir, maxBodyBytes, keepAlive, workingDirectory,
        install, tenants, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, null, null, null);
  }

  /** A configuration with these timeouts that keeps its sessions in memory only. */
  public HostConfig(String host, int port, String token, CorsConfig cors, Path pluginsDir, Path installDir,
      Path defaultInstallDir, long maxBodyBytes, Duration keepAlive, Path workingDirectory, InstallSettings install,
      Tenants tenants, Duration headerTimeout, Duration idleTimeout) {
    this(host, port, token, cors, pluginsDir, installDir, defaultInstallDir, maxBodyBytes, keepAlive, workingDirectory,
        install, tenants, headerTimeout, idleTimeout, null, null, null);
  }

  /** This configuration with sessions stored in {@code directory} (null: in memory only). */
  public HostConfig withDataDir(Path directory) {
    return new HostConfig(host, port, token, cors, pluginsDir, installDir, defaultInstallDir, maxBodyBytes, keepAlive,
        workingDirectory, install, tenants, headerTimeout, idleTimeout, directory, retention, eventSink);
  }

  /** This configuration with ended sessions kept for {@code duration} (null: until deleted). */
  public HostConfig withRetention(Duration duration) {
    return new HostConfig(host, port, token, cors, pluginsDir, installDir, defaultInstallDir, maxBodyBytes, keepAlive,
        workingDirectory, install, tenants, headerTimeout, idleTimeout, dataDir, duration, eventSink);
  }

  /** This configuration with sessions and events exported to {@code sink} (null: nowhere). */
  public HostConfig withEventSink(URI sink) {
    return new HostConfig(host, port, token, cors, pluginsDir, installDir, defaultInstallDir, maxBodyBytes, keepAlive,
        workingDirectory, install, tenants, headerTimeout, idleTimeout, dataDir, retention, sink);
  }

  /**
   * Parses a duration option: ISO-8601 ({@code P7D}, {@code PT12H}, {@code PT1.5S}) or a whole
   * number with a unit, {@code d}, {@code h}, {@code m}, {@code s} or {@code ms} ({@code 7d},
   * {@code 12h}).
   *
   * @throws IllegalArgumentException when it is neither, or not positive
   */
  public static Duration parseDuration(String text) {
    String value = text.strip();
    Duration duration;
    try {
      if (value.regionMatches(true, 0, "P", 0, 1)) {
        duration = Duration.parse(value);
      } else {
        Matcher m = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
          throw new IllegalArgumentException("not a duration");
        }
        long n = Long.parseLong(m.group(1));
        duration = switch (m.group(2)) {
          case "d" -> Duration.ofDays(n);
          case "h" -> Duration.ofHours(n);
          case "m" -> Duration.ofMinutes(n);
          case "s" -> Duration.ofSeconds(n);
          default -> Duration.ofMillis(n);
        };
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (such as 7d, 12h, 30m, 45s or PT12H)");
    }
    if (!duration.isPositive()) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration");
    }
    return duration;
  }


  /** A configuration with the default install settings. */
  public HostConfig(String host, int port, String token, CorsConfig cors, Path pluginsDir, Path installDir,
      Path defaultInstallDir, long maxBodyBytes, Duration keepAlive, Path workingDirectory) {
    this(host, port, token, cors, pluginsDir, installDir, defaultInstallDir, maxBodyBytes, keepAlive, workingDirectory,
        InstallSettings.defaults(), Tenants.none());
  }

  /** A configuration without tenants. */
  public HostConfig(String host, int port, String token, CorsConfig cors, Path pluginsDir, Path installDir,
      Path defaultInstallDir, long maxBodyBytes, Duration keepAlive, Path workingDirectory, InstallSettings install) {
    this(host, port, token, cors, pluginsDir, installDir, defaultInstallDir, maxBodyBytes, keepAlive, workingDirectory,
        install, Tenants.none());
  }

  /** The default install directory: {@code <data dir>/sandbox-agent/bin}, {@code env} giving the data dir. */
  public static Path defaultInstallDirectory(Map<String, String> env) {
    return dataDirectory(env).resolve("bin");
  }

  /**
   * {@code $XDG_DATA_HOME/sandbox-agent} or {@code ~/.local/share/sandbox-agent} (macOS: {@code
   * ~/Library/Application Support/sandbox-agent}); {@code ./.sandbox-agent} when none is known.
   * {@code XDG_DATA_HOME} is read from {@code env}.
   */
  public static Path dataDirectory(Map<String, String> env) {
    String xdg = env.get("XDG_DATA_HOME");
    String home = System.getProperty("user.home");
    boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
    if (!mac && xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "sandbox-agent");
    }
    if (home == null || home.isBlank() || home.equals("?")) {
      return Path.of(".sandbox-agent").toAbsolutePath();
    }
    return mac
        ? Path.of(home, "Library", "Application Support", "sandbox-agent")
        : Path.of(home, ".local", "share", "sandbox-agent");
  }
}
