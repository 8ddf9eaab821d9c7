package dev.sandboxagent.host.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the credentials the user already has for the agents: environment variables first, then
 * the agents' own files under the home directory (Amp, Claude Code, Codex, OpenCode). Pure apart
 * from reading those files: the home directory, the environment and the clock (for OAuth expiry)
 * are parameters.
 *
 * <p>A file that is missing, unreadable or not valid JSON is skipped and the search goes on; it is
 * never an error. In particular a missing or broken {@code ~/.claude.json.api}, {@code
 * ~/.claude.json} or {@code ~/.claude.json.nathan} does not end the Claude Code search: the next
 * file and then the OAuth files are still tried.
 */
public final class CredentialDiscovery {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> AMP_KEYS = List.of("anthropicApiKey", "anthropic_api_key", "apiKey", "api_key",
      "accessToken", "access_token", "token", "auth.anthropicApiKey", "auth.apiKey", "auth.token", "anthropic.apiKey",
      "anthropic.token");
  private static final List<String> CLAUDE_FILES = List.of(".claude.json.api", ".claude.json", ".claude.json.nathan");
  private static final List<String> CLAUDE_KEYS = List.of("primaryApiKey", "apiKey", "anthropicApiKey", "customApiKey");
  private static final List<String> CLAUDE_OAUTH_FILES =
      List.of(".claude/.credentials.json", ".claude-oauth-credentials.json");
  private static final String OPENCODE_AUTH = ".local/share/opencode/auth.json";

  private final Path home;
  private final boolean includeOauth;
  private final Map<String, String> env;
  private final Clock clock;

  private CredentialDiscovery(Path home, boolean includeOauth, Map<String, String> env, Clock clock) {
    this.home = requireNonNull(home, "home is null");
    this.includeOauth = includeOauth;
    this.env = requireNonNull(env, "env is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Runs the discovery.
   *
   * @param home the home directory whose agent files are read
   * @param includeOauth whether OAuth tokens count (false for {@code --no-oauth})
   * @param env the environment, e.g. {@link System#getenv()}
   * @param clock the time OAuth expiry dates are compared with
   */
  public static Credentials discover(Path home, boolean includeOauth, Map<String, String> env, Clock clock) {
    return new CredentialDiscovery(home, includeOauth, env, clock).run();
  }

  /**
   * The home directory the agents themselves use: {@code $HOME} when set (it is what Claude Code,
   * Codex and OpenCode read, and sandboxes often point it elsewhere than the account's home), else
   * {@code userHome} (the {@code user.home} property), else the current directory.
   */
  public static Path defaultHome(Map<String, String> env, String userHome) {
    String home = env.get("HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    return userHome != null && !userHome.isBlank() && !userHome.equals("?") ? Path.of(userHome) : Path.of(".");
  }

  private Credentials run() {
    Map<String, Credential> opencode = openCode();
    Credential anthropic = environment("ANTHROPIC_API_KEY", "anthropic")
        .or(() -> environment("CLAUDE_API_KEY", "anthropic"))
        .or(this::amp)
        .or(this::claudeCode)
        .orElse(opencode.get("anthropic"));
    Credential openai = environment("OPENAI_API_KEY", "openai")
        .or(() -> environment("CODEX_API_KEY", "openai"))
        .or(this::codex)
        .orElse(opencode.get("openai"));
    opencode.remove("anthropic");
    opencode.remove("openai");
    return Credentials.of(anthropic, openai, opencode);
  }

  /** Any value counts, even an empty one: setting the variable is the user's choice. */
  private Optional<Credential> environment(String name, String provider) {
    return Optional.ofNullable(env.get(name)).map(v -> new Credential(v, "environment", Credential.API_KEY, provider));
  }

  /** {@code ~/.amp/config.json}: the first non-empty string among the known key paths. */
  private Optional<Credential> amp() {
    return read(home.resolve(".amp/config.json")).flatMap(config -> AMP_KEYS.stream()
        .map(path -> text(config, path.split("\\.")))
        .flatMap(Optional::stream)
        .filter(key -> !key.isEmpty())
        .findFirst()
        .map(key -> new Credential(key, "amp", Credential.API_KEY, "anthropic")));
  }

  /** Claude Code's config files (an {@code sk-ant-} key), then its OAuth files. */
  private Optional<Credential> claudeCode() {
    for (String file : CLAUDE_FILES) {
      Optional<JsonNode> config = read(home.resolve(file));
      if (config.isEmpty()) {
        continue; // missing or broken: the later files may still hold a key
      }
      for (String name : CLAUDE_KEYS) {
        Optional<String> key = text(config.get(), name).filter(k -> k.startsWith("sk-ant-"));
        if (key.isPresent()) {
          return Optional.of(new Credential(key.get(), "claude-code", Credential.API_KEY, "anthropic"));
        }
      }
    }
    if (!includeOauth) {
      return Optional.empty();
    }
    for (String file : CLAUDE_OAUTH_FILES) {
      Optional<JsonNode> credentials = read(home.resolve(file));
      Optional<String> token = credentials.flatMap(c -> text(c, "claudeAiOauth", "accessToken"));
      if (token.isEmpty() || credentials.flatMap(c -> text(c, "claudeAiOauth", "expiresAt")).filter(this::past)
          .isPresent()) {
        continue;
      }
      return Optional.of(new Credential(token.get(), "claude-code", Credential.OAUTH, "anthropic"));
    }
    return Optional.empty();
  }

  /** An RFC 3339 date before now; anything unparsable is not treated as expired. */
  private boolean past(String rfc3339) {
    try {
      return OffsetDateTime.parse(rfc3339, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().isBefore(clock.instant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** {@code ~/.codex/auth.json}: a non-empty {@code OPENAI_API_KEY}, else the ChatGPT login's access token. */
  private Optional<Credential> codex() {
    Optional<JsonNode> auth = read(home.resolve(".codex/auth.json"));
    Optional<Credential> key = auth.flatMap(a -> text(a, "OPENAI_API_KEY")).filter(k -> !k.isEmpty())
        .map(k -> new Credential(k, "codex", Credential.API_KEY, "openai"));
    if (key.isPresent() || !includeOauth) {
      return key;
    }
    return auth.flatMap(a -> text(a, "tokens", "access_token"))
        .map(t -> new Credential(t, "codex", Credential.OAUTH, "openai"));
  }

  /**
   * {@code ~/.local/share/opencode/auth.json}: {@code provider → {"type": "api", "key": K}} or
   * {@code {"type": "oauth", "access": A, "expires": <epoch ms>}}; an expired OAuth entry is skipped.
   */
  private Map<String, Credential> openCode() {
    Map<String, Credential> found = new LinkedHashMap<>();
    read(home.resolve(OPENCODE_AUTH)).ifPresent(auth -> auth.properties().forEach(entry -> {
      String provider = entry.getKey();
      JsonNode config = entry.getValue();
      String type = text(config, "type").orElse("");
      if (type.equals("api")) {
        text(config, "key").ifPresent(k -> found.put(provider, new Credential(k, "opencode", Credential.API_KEY,
            provider)));
      } else if (type.equals("oauth") && includeOauth) {
        JsonNode expires = config.path("expires");
        if (expires.canConvertToLong() && expires.isIntegralNumber()
            && expires.asLong() < clock.instant().toEpochMilli()) {
          return;
        }
        text(config, "access").ifPresent(a -> found.put(provider, new Credential(a, "opencode", Credential.OAUTH,
            provider)));
      }
    }));
    return found;
  }

  /** The string at {@code path} inside {@code node}, if there is one. */
  private static Optional<String> text(JsonNode node, String... path) {
    JsonNode current = node;
    for (String name : path) {
      current = current.path(name);
    }
    return current.isTextual() ? Optional.of(current.asText()) : Optional.empty();
  }

  /** The file's JSON object; empty when the file is missing, unreadable, not JSON or not an object. */
  private static Optional<JsonNode> read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      JsonNode node = JSON.readTree(Files.readString(file));
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
