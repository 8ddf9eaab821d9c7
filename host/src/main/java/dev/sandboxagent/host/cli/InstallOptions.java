package dev.sandboxagent.host.cli;

import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.install.ArchiveLimits;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.install.NpmRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where plugins and agent programs are and how programs are installed: the options {@code server}
 * and {@code install-agent} share. A flag wins over its environment variable.
 */
final class InstallOptions {

  /** The system property through which {@code --acp-agents} reaches the ACP plugin. */
  static final String ACP_AGENTS_PROPERTY = "sandbox-agent.acp-agents";

  @Option(names = "--plugins-dir", paramLabel = "<DIR>", order = 50,
      description = "plugin JARs [env SANDBOX_AGENT_PLUGINS_DIR; default: plugins/ of the installation]")
  String pluginsDir;

  @Option(names = "--install-dir", paramLabel = "<DIR>", order = 51,
      description = "agent programs [env SANDBOX_AGENT_INSTALL_DIR; default: <data dir>/sandbox-agent/bin]")
  String installDir;

  @Option(names = "--acp-agents", paramLabel = "<DIR>", order = 52,
      description = "more ACP agents: one JSON entry file each [env SANDBOX_AGENT_ACP_AGENTS]")
  String acpAgents;

  @Option(names = "--install-sources", paramLabel = "<LIST>", order = 53, converter = Converters.Sources.class,
      description = "sources to try, in order [env SANDBOX_AGENT_INSTALL_SOURCES; default: local,npm,vendor]")
  Converters.SourceOrder installSources;

  @Option(names = "--agent-archive", paramLabel = "<AGENT>=<PATH>", order = 54, converter = Converters.AgentPath.class,
      description = "install AGENT from this archive, directory or program (offline; repeatable) "
          + "[env SANDBOX_AGENT_ARCHIVE_<AGENT>]")
  List<Map.Entry<String, Path>> archives = new ArrayList<>();

  @Option(names = "--agent-bin", paramLabel = "<AGENT>=<PATH>", order = 55, converter = Converters.AgentPath.class,
      description = "run this program for AGENT instead of looking for one (repeatable) [env SANDBOX_AGENT_BIN_<AGENT>]")
  List<Map.Entry<String, Path>> binaries = new ArrayList<>();

  @Option(names = "--npm-registry", paramLabel = "<URL>", order = 56,
      description = "npm registry [env SANDBOX_AGENT_NPM_REGISTRY, npm_config_registry, ~/.npmrc; "
          + "default: https://registry.npmjs.org/]")
  String npmRegistry;

  @Option(names = "--max-archive-size", paramLabel = "<BYTES>", order = 57, converter = Converters.PositiveLong.class,
      description = "most bytes one archive may write when extracted [env SANDBOX_AGENT_MAX_ARCHIVE_SIZE; "
          + "default: 2147483648]")
  Long maxArchiveSize;

  @Option(names = "--max-archive-entries", paramLabel = "<N>", order = 58, converter = Converters.PositiveInt.class,
      description = "most entries one archive may have [env SANDBOX_AGENT_MAX_ARCHIVE_ENTRIES; default: 100000]")
  Integer maxArchiveEntries;

  /**
   * Where plugin JARs are loaded from: the flag, else {@code SANDBOX_AGENT_PLUGINS_DIR}, else
   * {@code plugins/} of the installation (or of the working directory).
   */
  Path pluginsDirectory(Map<String, String> env) {
    return pluginsDirectory(pluginsDir, env);
  }

  /** The plugins directory of {@code flag} or, when null, of the environment or the installation. */
  static Path pluginsDirectory(String flag, Map<String, String> env) {
    String home = System.getProperty("sandbox.agent.home");
    String plugins = flag != null ? flag : env.get("SANDBOX_AGENT_PLUGINS_DIR");
    Path path = plugins != null && !plugins.isBlank()
        ? Path.of(plugins)
        : (home != null ? Path.of(home, "plugins") : Path.of("plugins"));
    return path.toAbsolutePath();
  }

  /** Where agent programs are installed: the flag, else {@code SANDBOX_AGENT_INSTALL_DIR}, else the default. */
  Path installDirectory(Map<String, String> env) {
    String install = installDir != null ? installDir : env.get("SANDBOX_AGENT_INSTALL_DIR");
    return (install != null && !install.isBlank() ? Path.of(install) : HostConfig.defaultInstallDirectory(env))
        .toAbsolutePath();
  }

  /** Hands {@code --acp-agents} to the ACP plugin, which reads it when it loads, before its environment variable. */
  void applyAcpAgents() {
    if (acpAgents != null) {
      System.setProperty(ACP_AGENTS_PROPERTY, Path.of(acpAgents).toAbsolutePath().toString());
    }
  }

  /**
   * Flags win over environment variables; the npm registry falls back to the user's npm configuration.
   *
   * @throws IllegalArgumentException for a bad value of a variable
   */
  InstallSettings installSettings(Map<String, String> env) {
    List<InstallSettings.SourceKind> order = installSources == null ? null : installSources.kinds();
    if (order == null) {
      String sources = env.get("SANDBOX_AGENT_INSTALL_SOURCES");
      order = sources == null || sources.isBlank() ? InstallSettings.DEFAULT_ORDER
          : sources(sources);
    }
    Map<String, Path> allArchives = new LinkedHashMap<>(InstallSettings.fromEnvironment(env, "ARCHIVE"));
    archives.forEach(e -> allArchives.put(e.getKey(), e.getValue()));
    Map<String, Path> allBinaries = new LinkedHashMap<>(InstallSettings.fromEnvironment(env, "BIN"));
    binaries.forEach(e -> allBinaries.put(e.getKey(), e.getValue()));
    String registry = npmRegistry != null ? npmRegistry : env.get("SANDBOX_AGENT_NPM_REGISTRY");
    String home = System.getProperty("user.home");
    URI uri;
    try {
      uri = NpmRegistry.configured(registry, env, home == null ? null : Path.of(home));
    } catch (IllegalArgumentException e) {
      if (npmRegistry != null) {
        throw new UsageException("invalid value '" + npmRegistry + "' for option '--npm-registry': not a URL");
      }
      throw new IllegalArgumentException("invalid npm registry URL: " + registry);
    }
    return new InstallSettings(order, allArchives, allBinaries, uri, archiveLimits(env));
  }

  private static List<InstallSettings.SourceKind> sources(String value) {
    try {
      return InstallSettings.parseSources(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid SANDBOX_AGENT_INSTALL_SOURCES: " + e.getMessage());
    }
  }

  /** Flags win over environment variables; each bound falls back to its default on its own. */
  ArchiveLimits archiveLimits(Map<String, String> env) {
    long bytes = limit(maxArchiveSize, env, "SANDBOX_AGENT_MAX_ARCHIVE_SIZE", ArchiveLimits.DEFAULT_MAX_BYTES,
        Long.MAX_VALUE);
    long count = limit(maxArchiveEntries == null ? null : (long) maxArchiveEntries, env,
        "SANDBOX_AGENT_MAX_ARCHIVE_ENTRIES", ArchiveLimits.DEFAULT_MAX_ENTRIES, Integer.MAX_VALUE);
    return new ArchiveLimits(bytes, (int) count);
  }

  private static long limit(Long flag, Map<String, String> env, String variable, long fallback, long max) {
    if (flag != null) {
      return flag;
    }
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long v = Long.parseLong(value.strip());
      if (v >= 1 && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("invalid value '" + value + "' for " + variable + ": expected a positive number");
  }
}
