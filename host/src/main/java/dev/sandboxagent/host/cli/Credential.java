package dev.sandboxagent.host.cli;

import static java.util.Objects.requireNonNull;

/**
 * One discovered credential.
 *
 * @param apiKey the key or OAuth access token, exactly as found (possibly empty when an empty
 *     environment variable was set)
 * @param source where it was found: {@code environment}, {@code amp}, {@code claude-code},
 *     {@code codex} or {@code opencode}
 * @param authType {@link #API_KEY} or {@link #OAUTH}
 * @param provider the model provider: {@code anthropic}, {@code openai} or an OpenCode provider name
 */
public record Credential(String apiKey, String source, String authType, String provider) {

  /** An API key. */
  public static final String API_KEY = "api_key";

  /** An OAuth access token. */
  public static final String OAUTH = "oauth";

  public Credential {
    requireNonNull(apiKey, "apiKey is null");
    requireNonNull(source, "source is null");
    requireNonNull(authType, "authType is null");
    requireNonNull(provider, "provider is null");
    if (!authType.equals(API_KEY) && !authType.equals(OAUTH)) {
      throw new IllegalArgumentException("authType must be api_key or oauth: " + authType);
    }
  }

  /**
   * The key with all but its first and last four characters hidden: {@code sk-a...WXYZ}, or
   * {@code ****} when the trimmed key has 8 characters or fewer.
   */
  public String redactedKey() {
    String key = apiKey.strip();
    return key.length() <= 8 ? "****" : key.substring(0, 4) + "..." + key.substring(key.length() - 4);
  }

  /** Never shows the key, so a credential can be logged. */
  @Override
  public String toString() {
    return "Credential[provider=" + provider + ", source=" + source + ", authType=" + authType + ", apiKey="
        + redactedKey() + "]";
  }
}
