package dev.sandboxagent.plugins.amp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Amp's credential: the first non-empty key of {@code ~/.amp/config.json}, in a fixed order of paths. */
final class AmpCredentials {

  /** Amp works with Anthropic. */
  static final CredentialUse USE = new CredentialUse("Amp", List.of("anthropic"), false, Map.of());
  /** Before every other agent's files. */
  static final int PRECEDENCE = 100;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PATHS = List.of("anthropicApiKey", "anthropic_api_key", "apiKey", "api_key",
      "accessToken", "access_token", "token", "auth.anthropicApiKey", "auth.apiKey", "auth.token", "anthropic.apiKey",
      "anthropic.token");

  private AmpCredentials() {}

  static List<DiscoveredCredential> discover(CredentialContext context) {
    JsonNode config = read(context.home().resolve(".amp/config.json"));
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

  /** The JSON object in {@code file}, or null when it is missing, unreadable or not an object. */
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
