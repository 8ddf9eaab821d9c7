package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which model providers' credentials an agent works with, and the environment variables its
 * processes read them from (since SPI 1.1).
 *
 * <p>For every provider some loaded agent works with, the host reads the credential from the
 * daemon's environment ({@code <PROVIDER>_API_KEY}, the provider upper-cased with {@code -} as
 * {@code _}, then the {@code variables} agents add), else from the agents' {@linkplain
 * AgentAdapter#discoverCredentials files}, and gives every agent process each credential found under
 * the same names.
 *
 * @param agentName how messages about the agent's credentials name it ({@code agent Codex only
 *     supports provider openai})
 * @param providers the providers the agent works with, in order of preference; empty for an agent
 *     that needs no credential
 * @param anyProvider whether the agent also works with any other provider
 * @param variables per provider, the variables the agent's processes read its credential from besides
 *     {@code <PROVIDER>_API_KEY}, in order
 */
public record CredentialUse(String agentName, List<String> providers, boolean anyProvider,
    Map<String, List<String>> variables) {

  /** The use of an agent that needs no credential. */
  public static final CredentialUse NONE = new CredentialUse("", List.of(), false, Map.of());

  /** Validates and copies. */
  public CredentialUse {
    requireNonNull(agentName, "agentName is null");
    providers = List.copyOf(providers);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    requireNonNull(variables, "variables is null").forEach((provider, names) -> copy.put(provider, List.copyOf(names)));
    variables = Collections.unmodifiableMap(copy);
  }

  /** Whether the agent works with any provider's credential at all. */
  public boolean usesCredentials() {
    return anyProvider || !providers.isEmpty();
  }
}
