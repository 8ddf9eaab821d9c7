package dev.sandboxagent.plugins.claude;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import dev.sandboxagent.api.support.JsonFiles;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Claude Code's credentials: an Anthropic API key from its configuration files, else an OAuth access
 * token from its login files. A missing or broken file does not end the search: the next file, then
 * the OAuth files, are still tried.
 */
final class ClaudeCredentials {

  /** Claude Code works with Anthropic, and its processes also read the key from {@code CLAUDE_API_KEY}. */
  static final CredentialUse USE =
      new CredentialUse("Claude", List.of("anthropic"), false, Map.of("anthropic", List.of("CLAUDE_API_KEY")));
  /** After Amp's configuration, before other agents' files. */
  static final int PRECEDENCE = 200;

  private static final List<String> FILES = List.of(".claude.json.api", ".claude.json", ".claude.json.nathan");
  private static final List<String> KEYS = List.of("primaryApiKey", "apiKey", "anthropicApiKey", "customApiKey");
  private static final List<String> OAUTH_FILES = List.of(".claude/.credentials.json", ".claude-oauth-credentials.json");

  private ClaudeCredentials() {}

  static List<DiscoveredCredential> discover(CredentialContext context) {
    for (String file : FILES) {
      JsonNode config = JsonFiles.object(context.home().resolve(file));
      if (config == null) {
        continue; // a missing or broken file does not hide the next ones
      }
      for (String key : KEYS) {
        JsonNode value = config.path(key);
        if (value.isTextual() && value.asText().startsWith("sk-ant-")) {
          return List.of(credential(value.asText(), AuthType.API_KEY));
        }
      }
    }
    for (String file : OAUTH_FILES) {
      JsonNode oauth = JsonFiles.object(context.home().resolve(file));
      if (oauth == null) {
        continue;
      }
      JsonNode token = oauth.path("claudeAiOauth").path("accessToken");
      JsonNode expires = oauth.path("claudeAiOauth").path("expiresAt");
      if (!token.isTextual() || token.asText().isEmpty()) {
        continue;
      }
      if (expires.isTextual() && expired(expires.asText(), context)) {
        continue;
      }
      return List.of(credential(token.asText(), AuthType.OAUTH));
    }
    return List.of();
  }

  private static DiscoveredCredential credential(String secret, AuthType type) {
    return new DiscoveredCredential("anthropic", secret, type, "claude-code", PRECEDENCE);
  }

  private static boolean expired(String rfc3339, CredentialContext context) {
    try {
      return OffsetDateTime.parse(rfc3339).toInstant().isBefore(context.now());
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
