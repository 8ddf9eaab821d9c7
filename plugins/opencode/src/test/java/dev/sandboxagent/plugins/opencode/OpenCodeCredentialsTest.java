package dev.sandboxagent.plugins.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenCode's auth file in a fake home directory. */
class OpenCodeCredentialsTest {

  @TempDir Path home;

  @Test
  void oneCredentialPerProviderAndNoExpiredToken() throws Exception {
    Path file = home.resolve(".local/share/opencode/auth.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"anthropic\":{\"type\":\"api\",\"key\":\"sk-ant-oc-0123\"},"
        + "\"openrouter\":{\"type\":\"api\",\"key\":\"sk-or-0123456789\"},"
        + "\"old\":{\"type\":\"oauth\",\"access\":\"gone\",\"expires\":1000},"
        + "\"my-llm\":{\"type\":\"oauth\",\"access\":\"live-access-1\",\"expires\":99999999999999}}");
    assertThat(new OpenCodeAdapter().discoverCredentials(
        new CredentialContext(home, Map.of(), Instant.parse("2026-06-01T00:00:00Z")))).containsExactly(
        new DiscoveredCredential("anthropic", "sk-ant-oc-0123", AuthType.API_KEY, "opencode", 2000),
        new DiscoveredCredential("openrouter", "sk-or-0123456789", AuthType.API_KEY, "opencode", 2000),
        new DiscoveredCredential("my-llm", "live-access-1", AuthType.OAUTH, "opencode", 2000));
  }

  @Test
  void itPrefersOpenAiThenAnthropicAndTakesAnyOtherProvider() {
    assertThat(new OpenCodeAdapter().credentialUse().providers()).containsExactly("openai", "anthropic");
    assertThat(new OpenCodeAdapter().credentialUse().anyProvider()).isTrue();
  }
}
