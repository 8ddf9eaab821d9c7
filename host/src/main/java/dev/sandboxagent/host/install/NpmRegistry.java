package dev.sandboxagent.host.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The npm registry as an install source: resolves a package version from its packument (latest,
 * a dist-tag, or an exact version), then downloads its tarball and verifies {@code integrity}.
 */
public final class NpmRegistry {

  /** The public registry, used when neither the daemon nor the user's npm configuration names one. */
  public static final URI DEFAULT = URI.create("https://registry.npmjs.org/");

  private static final Pattern NAME = Pattern.compile("(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*");

  /**
   * A resolved package version.
   *
   * @param name the package name
   * @param version the exact version
   * @param tarball the tarball URL
   * @param integrity its expected digests
   * @param optionalDependencies the version's {@code optionalDependencies} (name to version spec)
   */
  public record Resolved(
      String name, String version, URI tarball, Integrity integrity, Map<String, String> optionalDependencies) {
    /** Copies the map. */
    public Resolved {
      optionalDependencies = Map.copyOf(optionalDependencies);
    }
  }

  private final URI registry;
  private final Downloader downloader;
  private final ObjectMapper mapper;
  private final String authToken;

  public NpmRegistry(URI registry, Downloader downloader, ObjectMapper mapper, String authToken) {
    String base = registry.toString();
    this.registry = URI.create(base.endsWith("/") ? base : base + "/");
    this.downloader = downloader;
    this.mapper = mapper;
    this.authToken = authToken;
  }

  public URI registry() {
    return registry;
  }

  /**
   * The registry to use: {@code explicit} when given, else {@code npm_config_registry}, else the
   * {@code registry=} line of the user's {@code ~/.npmrc}, else the public registry.
   */
  public static URI configured(String explicit, Map<String, String> env, Path home) {
    if (explicit != null && !explicit.isBlank()) {
      return URI.create(explicit.strip());
    }
    String fromEnv = env.get("npm_config_registry");
    if (fromEnv == null) {
      fromEnv = env.get("NPM_CONFIG_REGISTRY");
    }
    if (fromEnv != null && !fromEnv.isBlank()) {
      return URI.create(fromEnv.strip());
    }
    Path npmrc = home == null ? null : home.resolve(".npmrc");
    if (npmrc != null && Files.isRegularFile(npmrc)) {
      try {
        for (String line : Files.readAllLines(npmrc, StandardCharsets.UTF_8)) {
          String l = line.strip();
          if (l.startsWith("registry") && l.contains("=") && l.substring(0, l.indexOf('=')).strip().equals("registry")) {
            return URI.create(l.substring(l.indexOf('=') + 1).strip());
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        // an unreadable .npmrc leaves the default
      }
    }
    return DEFAULT;
  }

  /** Resolves {@code name} at {@code versionOrTag} (null means the {@code latest} dist-tag). */
  public Resolved resolve(String name, String versionOrTag) throws DownloadException {
    if (!NAME.matcher(name).matches()) {
      throw new DownloadException("invalid npm package name: " + name);
    }
    URI uri = registry.resolve(name.replace("/", "%2F"));
    JsonNode packument;
    try {
      packument = mapper.readTree(downloader.fetch(uri, headers(true)));
    } catch (DownloadException e) {
      throw e;
    } catch (IOException e) {
      throw new DownloadException("npm registry returned invalid JSON for " + name + ": " + e.getMessage(), e);
    }
    String wanted = versionOrTag == null || versionOrTag.isBlank() ? "latest" : versionOrTag.strip();
    String version = packument.path("dist-tags").path(wanted).asText(null);
    if (version == null) {
      version = wanted;
    }
    JsonNode manifest = packument.path("versions").path(version);
    if (manifest.isMissingNode()) {
      throw new DownloadException("npm package " + name + " has no version or dist-tag " + wanted);
    }
    JsonNode dist = manifest.path("dist");
    String tarball = dist.path("tarball").asText(null);
    if (tarball == null) {
      throw new DownloadException("npm package " + name + "@" + version + " has no tarball");
    }
    Integrity integrity = new Integrity(dist.path("integrity").asText(null), dist.path("shasum").asText(null));
    if (integrity.isEmpty()) {
      throw new DownloadException("npm package " + name + "@" + version + " has no integrity or shasum to verify");
    }
    Map<String, String> optional = new LinkedHashMap<>();
    manifest.path("optionalDependencies").properties().forEach(e -> {
      if (e.getValue().isTextual()) {
        optional.put(e.getKey(), e.getValue().asText());
      }
    });
    URI tarballUri;
    try {
      tarballUri = URI.create(tarball);
    } catch (IllegalArgumentException e) {
      throw new DownloadException("npm package " + name + "@" + version + " has an invalid tarball URL: " + tarball, e);
    }
    return new Resolved(name, version, tarballUri, integrity, optional);
  }

  /** Downloads and verifies the tarball into {@code dir}; returns the file. */
  public Path download(Resolved resolved, Path dir, Downloader.Progress progress) throws DownloadException {
    String file = resolved.name().replace('@', '_').replace('/', '_') + "-" + resolved.version() + ".tgz";
    Path dest = dir.resolve(file);
    downloader.download(resolved.tarball(), dest, resolved.integrity(), headers(false), progress);
    return dest;
  }

  private Map<String, String> headers(boolean packument) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (packument) {
      // The abbreviated document is all an install needs and is much smaller.
      headers.put("Accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8");
    }
    if (authToken != null && !authToken.isBlank()) {
      headers.put("Authorization", "Bearer " + authToken);
    }
    return headers;
  }
}
