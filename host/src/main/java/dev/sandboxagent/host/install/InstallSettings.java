package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How agents are installed.
 *
 * @param sources the kinds of sources to try, in order
 * @param archives per agent id: a local archive, directory or program to install from (offline)
 * @param binaries per agent id: an explicit program to use instead of resolving one
 * @param npmRegistry the npm registry
 * @param archiveLimits how far one archive may expand when it is extracted
 */
public record InstallSettings(List<SourceKind> sources, Map<String, Path> archives, Map<String, Path> binaries,
    URI npmRegistry, ArchiveLimits archiveLimits) {

  /** The kinds of install sources. */
  public enum SourceKind {
    /** An archive, directory or program given by the user ({@link #archives}). */
    LOCAL,
    /** The npm registry. */
    NPM,
    /** The vendor's own download location. */
    VENDOR;

    /** The name used on the command line. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The default order: local archive, npm registry, vendor download. */
  public static final List<SourceKind> DEFAULT_ORDER = List.of(SourceKind.LOCAL, SourceKind.NPM, SourceKind.VENDOR);

  /** Copies and validates. */
  public InstallSettings {
    sources = List.copyOf(sources);
    archives = Map.copyOf(archives);
    binaries = Map.copyOf(binaries);
    requireNonNull(npmRegistry, "npmRegistry is null");
    requireNonNull(archiveLimits, "archiveLimits is null");
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("at least one install source is needed");
    }
  }

  /** Settings with the default archive limits. */
  public InstallSettings(List<SourceKind> sources, Map<String, Path> archives, Map<String, Path> binaries,
      URI npmRegistry) {
    this(sources, archives, binaries, npmRegistry, ArchiveLimits.DEFAULT);
  }

  /** Defaults: every kind of source, no local files, the public npm registry, the default archive limits. */
  public static InstallSettings defaults() {
    return new InstallSettings(DEFAULT_ORDER, Map.of(), Map.of(), NpmRegistry.DEFAULT);
  }

  /** Parses {@code local,npm,vendor} (any order, a subset). */
  public static List<SourceKind> parseSources(String value) {
    List<SourceKind> kinds = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.strip().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      SourceKind kind;
      try {
        kind = SourceKind.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown install source '" + part.strip() + "' (expected local, npm, vendor)");
      }
      if (!kinds.contains(kind)) {
        kinds.add(kind);
      }
    }
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("at least one install source is needed (local, npm, vendor)");
    }
    return kinds;
  }

  /** Parses {@code agent=path} into {@code into}; throws for a missing {@code =}. */
  public static void parseAgentPath(String value, Map<String, Path> into, String flag) {
    int eq = value.indexOf('=');
    if (eq <= 0 || eq == value.length() - 1) {
      throw new IllegalArgumentException("invalid value '" + value + "' for '" + flag + "': expected <agent>=<path>");
    }
    into.put(value.substring(0, eq).strip(), Path.of(value.substring(eq + 1).strip()).toAbsolutePath());
  }

  /** {@code SANDBOX_AGENT_<PREFIX>_<AGENT>=path} variables, e.g. {@code SANDBOX_AGENT_ARCHIVE_CLAUDE}. */
  public static Map<String, Path> fromEnvironment(Map<String, String> env, String prefix) {
    Map<String, Path> out = new LinkedHashMap<>();
    String start = "SANDBOX_AGENT_" + prefix + "_";
    env.forEach((k, v) -> {
      if (k.startsWith(start) && k.length() > start.length() && v != null && !v.isBlank()) {
        out.put(k.substring(start.length()).toLowerCase(Locale.ROOT).replace('_', '-'), Path.of(v).toAbsolutePath());
      }
    });
    return out;
  }
}
