package dev.sandboxagent.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Credential;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Found;
import dev.sandboxagent.host.credentials.CredentialDiscovery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Discovery over agents whose credential files are lines of a text file in a fake home directory,
 * and the {@code credentials} command's output and errors. The agents declare the same credential
 * use as the built-in ones; the built-in plugins' own files are tested in their modules.
 */
class CredentialsTest {

  private static final Clock NOW = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

  @TempDir Path home;

  /**
   * An agent whose file {@code <id>.credentials} holds one credential a line: {@code provider type
   * secret [precedence]}; a line {@code fail} makes discovery throw.
   */
  record FileAgent(String id, CredentialUse use) implements AgentAdapter {
    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder(id).permissionModes(PermissionMode.DEFAULT).build();
    }

    @Override
    public AgentSession open(SessionContext context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CredentialUse credentialUse() {
      return use;
    }

    @Override
    public List<DiscoveredCredential> discoverCredentials(CredentialContext context) {
      Path file = context.home().resolve(id + ".credentials");
      if (!Files.isRegularFile(file)) {
        return List.of();
      }
      List<DiscoveredCredential> found = new ArrayList<>();
      try {
        for (String line : Files.readAllLines(file)) {
          if (line.equals("fail")) {
            throw new IllegalStateException("cannot read " + file);
          }
          String[] f = line.split(" ");
          found.add(new DiscoveredCredential(f[0], f[2], AuthType.valueOf(f[1]), id,
              f.length > 3 ? Integer.parseInt(f[3]) : DiscoveredCredential.DEFAULT_PRECEDENCE));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return found;
    }
  }

  /** Agents that work with the providers the built-in ones do, in the built-ins' listing order. */
  private static final List<AgentAdapter> AGENTS = List.of(
      new FileAgent("claude", new CredentialUse("Claude", List.of("anthropic"), false,
          Map.of("anthropic", List.of("CLAUDE_API_KEY")))),
      new FileAgent("codex", new CredentialUse("Codex", List.of("openai"), false,
          Map.of("openai", List.of("CODEX_API_KEY")))),
      new FileAgent("opencode", new CredentialUse("OpenCode", List.of("openai", "anthropic"), true, Map.of())),
      new FileAgent("amp", new CredentialUse("Amp", List.of("anthropic"), false, Map.of())),
      new FileAgent("mock", CredentialUse.NONE));

  private void write(String agent, String... lines) throws Exception {
    Files.write(home.resolve(agent + ".credentials"), List.of(lines));
  }

  private Found discover(Map<String, String> env, boolean oauth) {
    return new CredentialDiscovery(AGENTS, home, oauth, env, NOW).discover();
  }

  @Test
  void environmentComesFirstEvenWhenEmpty() throws Exception {
    write("amp", "anthropic API_KEY sk-ant-amp-0123456789 100");
    Found found = discover(Map.of("ANTHROPIC_API_KEY", "", "CODEX_API_KEY", "sk-codex-env-012345"), true);
    assertThat(found.find("anthropic")).hasValue(new Credential("", "environment", "api_key", "anthropic"));
    assertThat(found.find("openai")).hasValue(new Credential("sk-codex-env-012345", "environment", "api_key", "openai"));
  }

  @Test
  void theLowestPrecedenceWinsThenTheListingOrder() throws Exception {
    write("claude", "anthropic API_KEY from-claude 200");
    write("amp", "anthropic API_KEY from-amp 100");
    write("opencode", "anthropic API_KEY from-opencode 2000", "openai API_KEY oc-openai 2000");
    write("codex", "openai API_KEY from-codex 2000");
    Found found = discover(Map.of(), true);
    assertThat(found.find("anthropic").orElseThrow().apiKey()).isEqualTo("from-amp");
    // equal precedence: codex is listed before opencode
    assertThat(found.find("openai").orElseThrow().apiKey()).isEqualTo("from-codex");
  }

  @Test
  void withoutOauthTheNextCredentialWins() throws Exception {
    write("codex", "openai OAUTH codex-oauth-token 100");
    write("opencode", "openai API_KEY oc-key 2000", "my-llm OAUTH live-access-1");
    assertThat(discover(Map.of(), true).find("openai"))
        .hasValue(new Credential("codex-oauth-token", "codex", "oauth", "openai"));
    Found noOauth = discover(Map.of(), false);
    assertThat(noOauth.find("openai")).hasValue(new Credential("oc-key", "opencode", "api_key", "openai"));
    assertThat(noOauth.other()).isEmpty();
  }

  @Test
  void anAgentThatFailsIsSkipped() throws Exception {
    write("claude", "fail");
    write("amp", "anthropic API_KEY sk-ant-amp-0123");
    assertThat(discover(Map.of(), true).find("anthropic").orElseThrow().source()).isEqualTo("amp");
  }

  @Test
  void variablesGoNamedProvidersFirstThenOthersByName() throws Exception {
    write("opencode", "openrouter API_KEY sk-or-0123456789", "anthropic API_KEY sk-ant-oc-0123",
        "my-llm OAUTH live-access-1");
    write("codex", "openai OAUTH codex-oauth-token");
    Found found = discover(Map.of(), true);
    assertThat(found.other()).containsOnlyKeys("my-llm", "openrouter");
    assertThat(found.environment()).containsExactly(
        Map.entry("ANTHROPIC_API_KEY", "sk-ant-oc-0123"), Map.entry("CLAUDE_API_KEY", "sk-ant-oc-0123"),
        Map.entry("OPENAI_API_KEY", "codex-oauth-token"), Map.entry("CODEX_API_KEY", "codex-oauth-token"),
        Map.entry("MY_LLM_API_KEY", "live-access-1"), Map.entry("OPENROUTER_API_KEY", "sk-or-0123456789"));
  }

  @Test
  void aThirdPartyAgentsProviderIsReadFromTheEnvironmentAndItsFiles() throws Exception {
    List<AgentAdapter> agents = new ArrayList<>(AGENTS);
    agents.add(new FileAgent("acme", new CredentialUse("Acme", List.of("acme-ai"), false,
        Map.of("acme-ai", List.of("ACME_TOKEN")))));
    Found fromEnv = new CredentialDiscovery(agents, home, true, Map.of("ACME_TOKEN", "tok-env"), NOW).discover();
    assertThat(fromEnv.find("acme-ai")).hasValue(new Credential("tok-env", "environment", "api_key", "acme-ai"));
    assertThat(fromEnv.environment()).containsExactly(
        Map.entry("ACME_AI_API_KEY", "tok-env"), Map.entry("ACME_TOKEN", "tok-env"));
    write("acme", "acme-ai API_KEY tok-file");
    Found fromFile = new CredentialDiscovery(agents, home, true, Map.of(), NOW).discover();
    assertThat(fromFile.other()).containsOnlyKeys("acme-ai");
    assertThat(command(agents, Map.of(), "extract", "-a", "acme").out()).isEqualTo("tok-file\n");
    assertThat(command(agents, Map.of(), "extract", "-a", "nobody").err())
        .contains("[possible values: claude, codex, opencode, amp, acme]");
  }

  record Run(int exit, String out, String err) {}

  private Run command(Map<String, String> env, String... args) {
    return command(AGENTS, env, args);
  }

  private Run command(List<AgentAdapter> agents, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> withHome = new java.util.HashMap<>(env);
    withHome.put("HOME", home.toString());
    CommandContext context = new CommandContext(withHome, java.io.InputStream.nullInputStream(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    CommandLine.IFactory commands = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        return type == CredentialsCommand.class
            ? type.cast(new CredentialsCommand(context, e -> agents, NOW))
            : new Cli.Factory(context).create(type);
      }
    };
    List<String> line = new ArrayList<>(List.of("credentials"));
    line.addAll(List.of(args));
    int exit = Cli.commandLine(new Cli(context), context, commands).execute(line.toArray(String[]::new));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void extractPrintsRedactedJsonAndRevealsOnRequest() throws Exception {
    write("opencode", "openrouter API_KEY sk-or-v1-abcdef1234");
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
    assertThat(command(Map.of(), "extract", "-a", "claude").err()).contains("no credentials found for provider anthropic");
    assertThat(command(Map.of(), "extract", "-p", "groq").err()).contains("no credentials found for provider groq");
    assertThat(command(Map.of(), "extract", "-a", "opencode").err()).contains("no credentials found for opencode");
    write("opencode", "b API_KEY kb", "a API_KEY ka");
    assertThat(command(Map.of(), "extract", "-a", "opencode").err())
        .contains("multiple providers available for opencode: a, b (use --provider)");
    assertThat(command(Map.of(), "extract", "-a", "opencode", "-p", "b").out()).isEqualTo("kb\n");
    Run unknown = command(env, "extract", "-a", "nobody");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("invalid value 'nobody' for '--agent <AGENT>' [possible values: claude, codex, "
        + "opencode, amp]");
    assertThat(command(env, "extract", "-a", "mock").exit()).as("an agent without credentials").isEqualTo(2);
  }

  @Test
  void eachCommandHasItsOwnHelp() {
    Run help = command(Map.of(), "extract", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).startsWith("Usage: sandbox-agent credentials extract [").contains("-a, --agent=<AGENT>")
        .contains("-r, --reveal").doesNotContain("--export");
    Run group = command(Map.of(), "--help");
    assertThat(group.out()).contains("extract-env").contains("Exit status");
    Run none = command(Map.of());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).startsWith("error: missing command: extract or extract-env\n");
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
