package dev.sandboxagent.plugins.opencode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import dev.sandboxagent.api.support.JsonFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenCode's credentials: one per provider of {@code ~/.local/share/opencode/auth.json}, an API key
 * or an unexpired OAuth access token.
 */
final class OpenCodeCredentials {

  /** OpenCode prefers OpenAI, then Anthropic, and works with any other provider. */
  static final CredentialUse USE = new CredentialUse("OpenCode", List.of("openai", "anthropic"), true, Map.of());
  /** After every other agent's files: OpenCode's keys are the fallback for the providers others use. */
  static final int PRECEDENCE = 2000;


  private OpenCodeCredentials() {}

  static List<DiscoveredCredential> discover(CredentialContext context) {
    List<DiscoveredCredential> found = new ArrayList<>();
    JsonNode auth = JsonFiles.object(context.home().resolve(".local/share/opencode/auth.json"));
    if (auth == null) {
      return found;
    }
    auth.properties().forEach(entry -> {
      JsonNode e = entry.getValue();
      String type = e.path("type").asText("");
      if (type.equals("api") && e.path("key").isTextual()) {
        found.add(new DiscoveredCredential(entry.getKey(), e.get("key").asText(), AuthType.API_KEY, "opencode",
            PRECEDENCE));
      } else if (type.equals("oauth") && e.path("access").isTextual()) {
        JsonNode expires = e.path("expires");
        if (expires.isNumber() && Instant.ofEpochMilli(expires.asLong()).isBefore(context.now())) {
          return;
        }
        found.add(new DiscoveredCredential(entry.getKey(), e.get("access").asText(), AuthType.OAUTH, "opencode",
            PRECEDENCE));
      }
    });
    return found;
  }
}
