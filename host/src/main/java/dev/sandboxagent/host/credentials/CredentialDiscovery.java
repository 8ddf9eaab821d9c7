package dev.sandboxagent.host.credentials;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Finds the credentials a user already has for the agents: environment variables, then the agents'
 * own configuration files under the home directory. Unreadable or malformed files are skipped, never
 * fatal; in particular a missing Claude file does not end the search (the next file, then the OAuth
 * files, are still tried).
 */
public final class CredentialDiscovery {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> AMP_PATHS = List.of("anthropicApiKey", "anthropic_api_key", "apiKey", "api_key",
      "accessToken", "access_token", "token", "auth.anthropicApiKey", "auth.apiKey", "auth.token", "anthropic.apiKey",
      "anthropic.token");
  private static final List<String> CLAUDE_FILES = List.of(".claude.json.api", ".claude.json", ".claude.json.nathan");
  private static final List<String> CLAUDE_KEYS = List.of("primaryApiKey", "apiKey", "anthropicApiKey", "customApiKey");
  private static final List<String> CLAUDE_OAUTH_FILES = List.of(".claude/.credentials.json",
      ".claude-oauth-credentials.json");

  /** One credential. */
  public record Credential(String apiKey, String source, String authType, String provider) {
    /** Validates. */
    public Credential {
      requireNonNull(apiKey, "apiKey is null");
      requireNonNull(source, "source is null");
      requireNonNull(authType, "authType is null");
      requireNonNull(provider, "provider is null");
    }
  }

  /** What was found: Anthropic, OpenAI, and other providers by name (sorted). */
  public record Found(Optional<Credential> anthropic, Optional<Credential> openai, Map<String, Credential> other) {
    /** Copies. */
    public Found {
      other = java.util.Collections.unmodifiableMap(new TreeMap<>(other));
    }

    /**
     * The variables agent processes get: {@code ANTHROPIC_API_KEY}/{@code CLAUDE_API_KEY},
     * {@code OPENAI_API_KEY}/{@code CODEX_API_KEY}, then {@code <PROVIDER>_API_KEY} per other provider.
     */
    public Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      anthropic.ifPresent(c -> {
        env.put("ANTHROPIC_API_KEY", c.apiKey());
        env.put("CLAUDE_API_KEY", c.apiKey());
      });
      openai.ifPresent(c -> {
        env.put("OPENAI_API_KEY", c.apiKey());
        env.put("CODEX_API_KEY", c.apiKey());
      });
      other.forEach((name, c) -> env.put(name.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY", c.apiKey()));
      return env;
    }
  }

  private final Path home;
  private final boolean includeOauth;
  private final Map<String, String> env;
  private final Clock clock;

  public CredentialDiscovery(Path home, boolean includeOauth, Map<String, String> env, Clock clock) {
    this.home = requireNonNull(home, "home is null");
    this.includeOauth = includeOauth;
    this.env = Map.copyOf(env);
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Runs the discovery. */
  public Found discover() {
    Map<String, Credential> opencode = openCode();
    Optional<Credential> anthropic = fromEnv("ANTHROPIC_API_KEY", "anthropic")
        .or(() -> fromEnv("CLAUDE_API_KEY", "anthropic"))
        .or(this::amp)
        .or(this::claudeCode)
        .or(() -> Optional.ofNullable(opencode.remove("anthropic")));
    Optional<Credential> openai = fromEnv("OPENAI_API_KEY", "openai")
        .or(() -> fromEnv("CODEX_API_KEY", "openai"))
        .or(this::codex)
        .or(() -> Optional.ofNullable(opencode.remove("openai")));
    opencode.remove("anthropic");
    opencode.remove("openai");
    return new Found(anthropic, openai, opencode);
  }

  private Optional<Credential> fromEnv(String name, String provider) {
    String value = env.get(name);
    return value == null ? Optional.empty() : Optional.of(new Credential(value, "environment", "api_key", provider));
  }

  private Optional<Credential> amp() {
    JsonNode config = read(home.resolve(".amp/config.json"));
    if (config == null) {
      return Optional.empty();
    }
    for (String path : AMP_PATHS) {
      JsonNode node = config;
      for (String part : path.split("\\.")) {
        node = node.path(part);
      }
      if (node.isTextual() && !node.asText().isEmpty()) {
        return Optional.of(new Credential(node.asText(), "amp", "api_key", "anthropic"));
      }
    }
    return Optional.empty();
  }

  private Optional<Credential> claudeCode() {
    for (String file : CLAUDE_FILES) {
      JsonNode config = read(home.resolve(file));
      if (config == null) {
        continue; // a missing or broken file does not hide the next ones
      }
      for (String key : CLAUDE_KEYS) {
        JsonNode value = config.path(key);
        if (value.isTextual() && value.asText().startsWith("sk-ant-")) {
          return Optional.of(new Credential(value.asText(), "claude-code", "api_key", "anthropic"));
        }
      }
    }
    if (!includeOauth) {
      return Optional.empty();
    }
    for (String file : CLAUDE_OAUTH_FILES) {
      JsonNode oauth = read(home.resolve(file));
      if (oauth == null) {
        continue;
      }
      JsonNode token = oauth.path("claudeAiOauth").path("accessToken");
      JsonNode expires = oauth.path("claudeAiOauth").path("expiresAt");
      if (!token.isTextual() || token.asText().isEmpty()) {
        continue;
      }
      if (expires.isTextual() && expired(expires.asText())) {
        continue;
      }
      return Optional.of(new Credential(token.asText(), "claude-code", "oauth", "anthropic"));
    }
    return Optional.empty();
  }

  private boolean expired(String rfc3339) {
    try {
      return OffsetDateTime.parse(rfc3339).toInstant().isBefore(clock.instant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private Optional<Credential> codex() {
    JsonNode auth = read(home.resolve(".codex/auth.json"));
    if (auth == null) {
      return Optional.empty();
    }
    JsonNode key = auth.path("OPENAI_API_KEY");
    if (key.isTextual() && !key.asText().isEmpty()) {
      return Optional.of(new Credential(key.asText(), "codex", "api_key", "openai"));
    }
    JsonNode token = auth.path("tokens").path("access_token");
    if (includeOauth && token.isTextual() && !token.asText().isEmpty()) {
      return Optional.of(new Credential(token.asText(), "codex", "oauth", "openai"));
    }
    return Optional.empty();
  }

  private Map<String, Credential> openCode() {
    Map<String, Credential> found = new LinkedHashMap<>();
    JsonNode auth = read(home.resolve(".local/share/opencode/auth.json"));
    if (auth == null || !auth.isObject()) {
      return found;
    }
    auth.properties().forEach(entry -> {
      JsonNode e = entry.getValue();
      String type = e.path("type").asText("");
      if (type.equals("api") && e.path("key").isTextual()) {
        found.put(entry.getKey(), new Credential(e.get("key").asText(), "opencode", "api_key", entry.getKey()));
      } else if (type.equals("oauth") && includeOauth && e.path("access").isTextual()) {
        JsonNode expires = e.path("expires");
        if (expires.isNumber() && Instant.ofEpochMilli(expires.asLong()).isBefore(clock.instant())) {
          return;
        }
        found.put(entry.getKey(), new Credential(e.get("access").asText(), "opencode", "oauth", entry.getKey()));
      }
    });
    return found;
  }

  private static JsonNode read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      JsonNode node = JSON.readTree(file.toFile());
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
