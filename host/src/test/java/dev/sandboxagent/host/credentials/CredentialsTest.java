package dev.sandboxagent.host.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.host.credentials.CredentialDiscovery.Credential;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Found;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery over a fake home directory, and the {@code credentials} command's output and errors. */
class CredentialsTest {

  private static final Clock NOW = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path home;

  private void write(String path, String json) throws Exception {
    Path file = home.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
  }

  private Found discover(Map<String, String> env, boolean oauth) {
    return new CredentialDiscovery(home, oauth, env, NOW).discover();
  }

  @Test
  void environmentComesFirstEvenWhenEmpty() throws Exception {
    write(".amp/config.json", "{\"apiKey\":\"sk-ant-amp-0123456789\"}");
    Found found = discover(Map.of("ANTHROPIC_API_KEY", "", "CODEX_API_KEY", "sk-codex-env-012345"), true);
    assertThat(found.anthropic()).hasValue(new Credential("", "environment", "api_key", "anthropic"));
    assertThat(found.openai()).hasValue(new Credential("sk-codex-env-012345", "environment", "api_key", "openai"));
  }

  @Test
  void ampConfigIsSearchedInItsOrder() throws Exception {
    write(".amp/config.json", "{\"token\":\"tok-later\",\"auth\":{\"apiKey\":\"\"},\"anthropic_api_key\":\"sk-ant-first\"}");
    assertThat(discover(Map.of(), true).anthropic().orElseThrow().apiKey()).isEqualTo("sk-ant-first");
  }

  @Test
  void aMissingOrBrokenClaudeFileDoesNotEndTheSearch() throws Exception {
    // .claude.json.api is missing and .claude.json is not JSON: the reference would stop here
    write(".claude.json", "{ not json");
    write(".claude.json.nathan", "{\"apiKey\":\"not-an-anthropic-key\",\"customApiKey\":\"sk-ant-nathan-0123\"}");
    assertThat(discover(Map.of(), true).anthropic())
        .hasValue(new Credential("sk-ant-nathan-0123", "claude-code", "api_key", "anthropic"));
  }

  @Test
  void claudeOauthSkipsExpiredTokensAndRespectsNoOauth() throws Exception {
    write(".claude/.credentials.json", "{\"claudeAiOauth\":{\"accessToken\":\"expired\",\"expiresAt\":\"2026-01-01T00:00:00Z\"}}");
    write(".claude-oauth-credentials.json", "{\"claudeAiOauth\":{\"accessToken\":\"fresh-token-123\",\"expiresAt\":1}}");
    assertThat(discover(Map.of(), true).anthropic())
        .hasValue(new Credential("fresh-token-123", "claude-code", "oauth", "anthropic"));
    assertThat(discover(Map.of(), false).anthropic()).isEmpty();
  }

  @Test
  void codexAndOpenCodeFiles() throws Exception {
    write(".codex/auth.json", "{\"OPENAI_API_KEY\":null,\"tokens\":{\"access_token\":\"codex-oauth-token\"}}");
    write(".local/share/opencode/auth.json", "{\"anthropic\":{\"type\":\"api\",\"key\":\"sk-ant-oc-0123\"},"
        + "\"openrouter\":{\"type\":\"api\",\"key\":\"sk-or-0123456789\"},"
        + "\"old\":{\"type\":\"oauth\",\"access\":\"gone\",\"expires\":1000},"
        + "\"my-llm\":{\"type\":\"oauth\",\"access\":\"live-access-1\",\"expires\":99999999999999}}");
    Found found = discover(Map.of(), true);
    assertThat(found.openai()).hasValue(new Credential("codex-oauth-token", "codex", "oauth", "openai"));
    assertThat(found.anthropic()).hasValue(new Credential("sk-ant-oc-0123", "opencode", "api_key", "anthropic"));
    assertThat(found.other()).containsOnlyKeys("my-llm", "openrouter");
    assertThat(found.environment()).containsExactly(
        Map.entry("ANTHROPIC_API_KEY", "sk-ant-oc-0123"), Map.entry("CLAUDE_API_KEY", "sk-ant-oc-0123"),
        Map.entry("OPENAI_API_KEY", "codex-oauth-token"), Map.entry("CODEX_API_KEY", "codex-oauth-token"),
        Map.entry("MY_LLM_API_KEY", "live-access-1"), Map.entry("OPENROUTER_API_KEY", "sk-or-0123456789"));
    assertThat(discover(Map.of(), false).openai()).isEmpty();
  }

  record Run(int exit, String out, String err) {}

  private Run command(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CredentialsCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, home.toString(), NOW);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void extractPrintsRedactedJsonAndRevealsOnRequest() throws Exception {
    write(".local/share/opencode/auth.json", "{\"openrouter\":{\"type\":\"api\",\"key\":\"sk-or-v1-abcdef1234\"}}");
    Run run = command(Map.of("ANTHROPIC_API_KEY", "sk-ant-api03-UVXYZW"), "extract");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("""
        {
          "anthropic": {
            "provider": "anthropic",
            "source": "environment",
            "auth_type": "api_key",
            "api_key": "sk-a...XYZW",
            "redacted": true
          },
          "openai": null,
          "other": {
            "openrouter": {
              "provider": "openrouter",
              "source": "opencode",
              "auth_type": "api_key",
              "api_key": "sk-o...1234",
              "redacted": true
            }
          }
        }
        """);
    assertThat(command(Map.of("ANTHROPIC_API_KEY", "short"), "extract", "--reveal").out())
        .contains("\"api_key\": \"short\"").contains("\"redacted\": false");
    assertThat(CredentialsCommand.redact("12345678")).isEqualTo("****");
    assertThat(PrettyJson.render(Map.of("e", Map.of(), "a", List.of()))).isIn("{\n  \"e\": {},\n  \"a\": []\n}",
        "{\n  \"a\": [],\n  \"e\": {}\n}");
  }

  @Test
  void agentAndProviderSelection() throws Exception {
    Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-openai-1", "ANTHROPIC_API_KEY", "sk-ant-1");
    assertThat(command(env, "extract", "-a", "claude").out()).isEqualTo("sk-ant-1\n");
    assertThat(command(env, "extract", "--agent=codex").out()).isEqualTo("sk-openai-1\n");
    assertThat(command(env, "extract", "-a", "opencode").out()).isEqualTo("sk-openai-1\n");
    Run wrong = command(env, "extract", "-a", "amp", "-p", "openai");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("agent Amp only supports provider anthropic");
    assertThat(command(env, "extract", "-a", "codex", "-p", "anthropic").err())
        .contains("agent Codex only supports provider openai");
    assertThat(command(Map.of(), "extract", "-p", "groq").err()).contains("no credentials found for provider groq");
    assertThat(command(Map.of(), "extract", "-a", "opencode").err()).contains("no credentials found for opencode");
    write(".local/share/opencode/auth.json", "{\"b\":{\"type\":\"api\",\"key\":\"kb\"},\"a\":{\"type\":\"api\",\"key\":\"ka\"}}");
    assertThat(command(Map.of(), "extract", "-a", "opencode").err())
        .contains("multiple providers available for opencode: a, b (use --provider)");
    assertThat(command(Map.of(), "extract", "-a", "opencode", "-p", "b").out()).isEqualTo("kb\n");
    assertThat(command(env, "extract", "-a", "nobody").exit()).isEqualTo(2);
  }

  @Test
  void extractEnvPrintsVariablesWithOrWithoutExport() {
    Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "sk-ant-1", "CODEX_API_KEY", "sk-cx-1");
    assertThat(command(env, "extract-env").out())
        .isEqualTo("ANTHROPIC_API_KEY=sk-ant-1\nCLAUDE_API_KEY=sk-ant-1\nOPENAI_API_KEY=sk-cx-1\nCODEX_API_KEY=sk-cx-1\n");
    assertThat(command(env, "extract-env", "--export").out()).startsWith("export ANTHROPIC_API_KEY=sk-ant-1\n");
    Run nothing = command(Map.of(), "extract-env", "-d", home.resolve("empty").toString());
    assertThat(nothing.exit()).isZero();
    assertThat(nothing.out()).isEmpty();
  }
}
