package dev.sandboxagent.plugins.codex;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import dev.sandboxagent.api.support.JsonFiles;
import java.util.List;
import java.util.Map;

/** Codex's credential: the OpenAI API key of {@code ~/.codex/auth.json}, else its OAuth access token. */
final class CodexCredentials {

  /** Codex works with OpenAI, and its processes also read the key from {@code CODEX_API_KEY}. */
  static final CredentialUse USE =
      new CredentialUse("Codex", List.of("openai"), false, Map.of("openai", List.of("CODEX_API_KEY")));
  /** Before other agents' files. */
  static final int PRECEDENCE = 100;


  private CodexCredentials() {}

  static List<DiscoveredCredential> discover(CredentialContext context) {
    JsonNode auth = JsonFiles.object(context.home().resolve(".codex/auth.json"));
    if (auth == null) {
      return List.of();
    }
    JsonNode key = auth.path("OPENAI_API_KEY");
    if (key.isTextual() && !key.asText().isEmpty()) {
      return List.of(new DiscoveredCredential("openai", key.asText(), AuthType.API_KEY, "codex", PRECEDENCE));
    }
    JsonNode token = auth.path("tokens").path("access_token");
    if (token.isTextual() && !token.asText().isEmpty()) {
      return List.of(new DiscoveredCredential("openai", token.asText(), AuthType.OAUTH, "codex", PRECEDENCE));
    }
    return List.of();
  }
}
