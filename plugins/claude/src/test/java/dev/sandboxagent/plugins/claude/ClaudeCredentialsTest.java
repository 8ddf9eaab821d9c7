package dev.sandboxagent.plugins.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claude Code's credential files in a fake home directory. */
class ClaudeCredentialsTest {

  @TempDir Path home;

  private void write(String path, String json) throws Exception {
    Path file = home.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
  }

  private List<DiscoveredCredential> discover() {
    return new ClaudeAdapter().discoverCredentials(
        new CredentialContext(home, Map.of(), Instant.parse("2026-06-01T00:00:00Z")));
  }

  @Test
  void aMissingOrBrokenClaudeFileDoesNotEndTheSearch() throws Exception {
    // .claude.json.api is missing and .claude.json is not JSON: the reference would stop here
    write(".claude.json", "{ not json");
    write(".claude.json.nathan", "{\"apiKey\":\"not-an-anthropic-key\",\"customApiKey\":\"sk-ant-nathan-0123\"}");
    assertThat(discover()).containsExactly(
        new DiscoveredCredential("anthropic", "sk-ant-nathan-0123", AuthType.API_KEY, "claude-code", 200));
  }

  @Test
  void oauthSkipsExpiredTokens() throws Exception {
    write(".claude/.credentials.json", "{\"claudeAiOauth\":{\"accessToken\":\"expired\",\"expiresAt\":\"2026-01-01T00:00:00Z\"}}");
    write(".claude-oauth-credentials.json", "{\"claudeAiOauth\":{\"accessToken\":\"fresh-token-123\",\"expiresAt\":1}}");
    assertThat(discover()).containsExactly(
        new DiscoveredCredential("anthropic", "fresh-token-123", AuthType.OAUTH, "claude-code", 200));
  }

  @Test
  void anApiKeyWinsOverOauthAndTheKeyIsAlsoGivenAsClaudeApiKey() throws Exception {
    write(".claude/.credentials.json", "{\"claudeAiOauth\":{\"accessToken\":\"token\"}}");
    write(".claude.json", "{\"primaryApiKey\":\"sk-ant-primary-0123\"}");
    assertThat(discover()).extracting(DiscoveredCredential::secret).containsExactly("sk-ant-primary-0123");
    assertThat(new ClaudeAdapter().credentialUse().variables()).containsExactly(
        Map.entry("anthropic", List.of("CLAUDE_API_KEY")));
  }

  @Test
  void nothingInAnEmptyHome() {
    assertThat(discover()).isEmpty();
  }
}
