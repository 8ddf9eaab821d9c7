package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What an adapter needs to {@linkplain AgentAdapter#discoverCredentials discover} the credentials its
 * agent's own files hold (since SPI 1.1).
 *
 * @param home the user's home directory, under which the agents keep their files
 * @param environment the daemon's environment variables, for files whose location depends on one
 * @param now the current time: expired tokens are not reported
 */
public record CredentialContext(Path home, Map<String, String> environment, Instant now) {

  /** Validates and copies. */
  public CredentialContext {
    requireNonNull(home, "home is null");
    environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    requireNonNull(now, "now is null");
  }
}
