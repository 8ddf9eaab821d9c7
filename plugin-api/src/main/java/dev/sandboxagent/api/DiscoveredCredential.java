package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

/**
 * A credential for a model provider found in an agent's own files (since SPI 1.1). The host gives
 * the credential of each provider to every agent process as environment variables (see {@link
 * CredentialUse}) and shows it in {@code sandbox-agent credentials}.
 *
 * <p>When several agents find a credential for the same provider, the one with the lowest {@code
 * precedence} wins; equal precedences go by the agents' listing order, then by the order of each
 * adapter's list. Credentials in the daemon's environment win over every file.
 *
 * @param provider the provider, as the agents name it ({@code anthropic}, {@code openai},
 *     {@code openrouter}, …)
 * @param secret the API key or OAuth access token
 * @param authType whether {@code secret} is an API key or an OAuth access token; OAuth tokens are
 *     dropped by the host when the user asks for none
 * @param source where it was found, as shown to the user ({@code claude-code}, {@code codex}, …)
 * @param precedence lower wins (default {@link #DEFAULT_PRECEDENCE})
 */
public record DiscoveredCredential(String provider, String secret, AuthType authType, String source, int precedence) {

  /** The precedence of a credential that sets none. */
  public static final int DEFAULT_PRECEDENCE = 1000;

  /** What kind of secret a credential is. */
  public enum AuthType {
    /** An API key. */
    API_KEY,
    /** An OAuth access token. */
    OAUTH
  }

  /** Validates. */
  public DiscoveredCredential {
    requireNonNull(provider, "provider is null");
    requireNonNull(secret, "secret is null");
    requireNonNull(authType, "authType is null");
    requireNonNull(source, "source is null");
  }

  /** A credential with the {@link #DEFAULT_PRECEDENCE default precedence}. */
  public DiscoveredCredential(String provider, String secret, AuthType authType, String source) {
    this(provider, secret, authType, source, DEFAULT_PRECEDENCE);
  }
}
