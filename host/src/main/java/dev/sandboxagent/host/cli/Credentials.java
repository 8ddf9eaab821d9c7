package dev.sandboxagent.host.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@link CredentialDiscovery} found: at most one Anthropic and one OpenAI credential, and the
 * other providers' credentials by provider name (sorted by name).
 */
public final class Credentials {

  private static final Credentials NONE = new Credentials(null, null, Map.of());

  private final Credential anthropic;
  private final Credential openai;
  private final Map<String, Credential> other;

  private Credentials(Credential anthropic, Credential openai, Map<String, Credential> other) {
    this.anthropic = anthropic;
    this.openai = openai;
    this.other = Collections.unmodifiableMap(new TreeMap<>(other));
  }

  /**
   * @param anthropic the Anthropic credential, or null
   * @param openai the OpenAI credential, or null
   * @param other further providers by name; must not contain {@code anthropic} or {@code openai}
   */
  public static Credentials of(Credential anthropic, Credential openai, Map<String, Credential> other) {
    if (other.containsKey("anthropic") || other.containsKey("openai")) {
      throw new IllegalArgumentException("anthropic and openai are not other providers");
    }
    other.forEach((name, credential) -> Objects.requireNonNull(credential, name + " is null"));
    return new Credentials(anthropic, openai, other);
  }

  /** Nothing found. */
  public static Credentials none() {
    return NONE;
  }

  public Optional<Credential> anthropic() {
    return Optional.ofNullable(anthropic);
  }

  public Optional<Credential> openai() {
    return Optional.ofNullable(openai);
  }

  /** Providers other than Anthropic and OpenAI, sorted by name. */
  public Map<String, Credential> other() {
    return other;
  }

  /** The credential of {@code anthropic}, {@code openai} or another provider by name. */
  public Optional<Credential> provider(String name) {
    return switch (name) {
      case "anthropic" -> anthropic();
      case "openai" -> openai();
      default -> Optional.ofNullable(other.get(name));
    };
  }

  /**
   * The variables an agent process gets on top of the daemon's environment: {@code
   * ANTHROPIC_API_KEY} and {@code CLAUDE_API_KEY} from the Anthropic credential, {@code
   * OPENAI_API_KEY} and {@code CODEX_API_KEY} from the OpenAI one, each only when found, in that
   * order. OAuth tokens are passed the same way as API keys.
   */
  public Map<String, String> agentEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    if (anthropic != null) {
      env.put("ANTHROPIC_API_KEY", anthropic.apiKey());
      env.put("CLAUDE_API_KEY", anthropic.apiKey());
    }
    if (openai != null) {
      env.put("OPENAI_API_KEY", openai.apiKey());
      env.put("CODEX_API_KEY", openai.apiKey());
    }
    return Collections.unmodifiableMap(env);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credentials c && Objects.equals(anthropic, c.anthropic) && Objects.equals(openai, c.openai)
        && other.equals(c.other);
  }

  @Override
  public int hashCode() {
    return Objects.hash(anthropic, openai, other);
  }

  @Override
  public String toString() {
    return "Credentials[anthropic=" + anthropic + ", openai=" + openai + ", other=" + other + "]";
  }
}
