package dev.sandboxagent.plugins.amp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import dev.sandboxagent.api.support.JsonFiles;
import java.util.List;
import java.util.Map;

/** Amp's credential: the first non-empty key of {@code ~/.amp/config.json}, in a fixed order of paths. */
final class AmpCredentials {

  /** Amp works with Anthropic. */
  static final CredentialUse USE = new CredentialUse("Amp", List.of("anthropic"), false, Map.of());
  /** Before every other agent's files. */
  static final int PRECEDENCE = 100;

  private static final List<String> PATHS = List.of("anthropicApiKey", "anthropic_api_key", "apiKey", "api_key",
      "accessToken", "access_token", "token", "auth.anthropicApiKey", "auth.apiKey", "auth.token", "anthropic.apiKey",
      "anthropic.token");

  private AmpCredentials() {}

  static List<DiscoveredCredential> discover(CredentialContext context) {
    JsonNode config = JsonFiles.object(context.home().resolve(".amp/config.json"));
    if (config == null) {
      return List.of();
    }
    for (String path : PATHS) {
      JsonNode node = config;
      for (String part : path.split("\\.")) {
        node = node.path(part);
      }
      if (node.isTextual() && !node.asText().isEmpty()) {
        return List.of(new DiscoveredCredential("anthropic", node.asText(), AuthType.API_KEY, "amp", PRECEDENCE));
      }
    }
    return List.of();
  }
}
