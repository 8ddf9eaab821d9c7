package dev.sandboxagent.plugins.codex;

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

/** Codex's auth file in a fake home directory. */
class CodexCredentialsTest {

  @TempDir Path home;

  private List<DiscoveredCredential> discover(String json) throws Exception {
    Files.createDirectories(home.resolve(".codex"));
    Files.writeString(home.resolve(".codex/auth.json"), json);
    return new CodexAdapter().discoverCredentials(new CredentialContext(home, Map.of(), Instant.now()));
  }

  @Test
  void theApiKeyWinsOverTheOauthToken() throws Exception {
    assertThat(discover("{\"OPENAI_API_KEY\":\"sk-proj-0123\",\"tokens\":{\"access_token\":\"codex-oauth-token\"}}"))
        .containsExactly(new DiscoveredCredential("openai", "sk-proj-0123", AuthType.API_KEY, "codex", 100));
  }

  @Test
  void withoutAnApiKeyTheOauthToken() throws Exception {
    assertThat(discover("{\"OPENAI_API_KEY\":null,\"tokens\":{\"access_token\":\"codex-oauth-token\"}}"))
        .containsExactly(new DiscoveredCredential("openai", "codex-oauth-token", AuthType.OAUTH, "codex", 100));
    assertThat(new CodexAdapter().credentialUse().variables()).containsExactly(
        Map.entry("openai", List.of("CODEX_API_KEY")));
  }
}
