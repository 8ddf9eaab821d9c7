package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Credential;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Found;
import dev.sandboxagent.host.credentials.CredentialDiscovery;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sandbox-agent credentials extract | extract-env}: prints the credentials discovery finds.
 * The agents, the credentials they work with and where they find them come from the plugins of the
 * plugins directory ({@code SANDBOX_AGENT_PLUGINS_DIR}).
 */
@Command(name = "credentials", description = "Show the agent credentials found locally (no daemon needed).",
    synopsisSubcommandLabel = "(extract | extract-env)",
    footerHeading = "%nExit status: 0 printed, 1 no such credential, 2 usage error.%n",
    footer = {"Looked up: ANTHROPIC_API_KEY, CLAUDE_API_KEY, OPENAI_API_KEY, CODEX_API_KEY and <PROVIDER>_API_KEY,",
        "then the files the agents' plugins read (~/.claude.json, ~/.codex/auth.json, …)."})
final class CredentialsCommand implements Callable<Integer> {

  private static final Logger PF4J_LOG = Logger.getLogger("org.pf4j");
  private static final Logger PLUGIN_LOG = Logger.getLogger("dev.sandboxagent.host.plugin");

  @Spec CommandSpec spec;

  private final CommandContext context;
  private final Function<Map<String, String>, List<AgentAdapter>> agents;
  private final Clock clock;

  CredentialsCommand(CommandContext context) {
    this(context, CredentialsCommand::loadAgents, Clock.systemUTC());
  }

  /** A command over {@code agents} (given the environment), at the time of {@code clock}. */
  CredentialsCommand(CommandContext context, Function<Map<String, String>, List<AgentAdapter>> agents, Clock clock) {
    this.context = context;
    this.agents = agents;
    this.clock = clock;
  }

  private static List<AgentAdapter> loadAgents(Map<String, String> env) {
    // the plugin loader's lines would mix with the command's output on the terminal
    for (Logger logger : new Logger[] {PF4J_LOG, PLUGIN_LOG}) {
      logger.setLevel(Level.WARNING);
    }
    try (AdapterRegistry registry = AdapterRegistry.load(InstallOptions.pluginsDirectory(null, env))) {
      return registry.agents().stream().map(LoadedAgent::adapter).toList();
    }
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: extract or extract-env");
  }

  @Command(name = "extract", description = "Print the credentials found, as JSON (keys redacted unless --reveal); "
      + "with --agent or --provider, print that one key, raw.")
  int extract(
      @Option(names = {"-a", "--agent"}, paramLabel = "<AGENT>",
          description = "the key this agent would use (claude, codex, opencode, amp, … of the plugins)") String agent,
      @Option(names = {"-p", "--provider"}, paramLabel = "<PROVIDER>",
          description = "the key of this provider (anthropic, openai, openrouter, …)") String provider,
      @Option(names = {"-d", "--home-dir"}, paramLabel = "<DIR>", description = "home directory [default: $HOME]")
      Path homeDir,
      @Option(names = "--no-oauth", description = "skip OAuth tokens") boolean noOauth,
      @Option(names = {"-r", "--reveal"}, description = "print keys in full") boolean reveal) {
    List<AgentAdapter> adapters = agents.apply(context.env());
    Map<String, CredentialUse> uses = uses(adapters);
    if (agent != null && !uses.containsKey(agent)) {
      throw new ParameterException(spec.subcommands().get("extract"), "invalid value '" + agent
          + "' for '--agent <AGENT>' [possible values: " + String.join(", ", uses.keySet()) + "]");
    }
    Found found = discover(adapters, homeDir, noOauth);
    PrintStream out = context.out();
    if (agent == null && provider == null) {
      ObjectNode body = PrettyJson.mapper().createObjectNode();
      for (String named : CredentialDiscovery.NAMED_PROVIDERS) {
        body.set(named, found.find(named).<JsonNode>map(c -> json(c, reveal)).orElse(NullNode.getInstance()));
      }
      ObjectNode other = body.putObject("other");
      found.other().forEach((name, c) -> other.set(name, json(c, reveal)));
      out.println(PrettyJson.render(body));
      return 0;
    }
    Credential credential = agent != null
        ? forAgent(found, agent, uses.get(agent), provider) : forProvider(found, provider);
    out.println(credential.apiKey());
    return 0;
  }

  @Command(name = "extract-env", description = "Print the credentials found as NAME=value lines, one a variable.")
  int extractEnv(
      @Option(names = {"-e", "--export"}, description = "prefix each line with 'export ' (for a shell)")
      boolean export,
      @Option(names = {"-d", "--home-dir"}, paramLabel = "<DIR>", description = "home directory [default: $HOME]")
      Path homeDir,
      @Option(names = "--no-oauth", description = "skip OAuth tokens") boolean noOauth) {
    Found found = discover(agents.apply(context.env()), homeDir, noOauth);
    String prefix = export ? "export " : "";
    found.environment().forEach((k, v) -> context.out().println(prefix + k + "=" + v));
    return 0;
  }

  private static Map<String, CredentialUse> uses(List<AgentAdapter> adapters) {
    Map<String, CredentialUse> uses = new LinkedHashMap<>();
    for (AgentAdapter adapter : adapters) {
      CredentialUse use = CredentialDiscovery.use(adapter);
      if (use.usesCredentials()) {
        uses.putIfAbsent(adapter.descriptor().id(), use);
      }
    }
    return uses;
  }

  private Found discover(List<AgentAdapter> adapters, Path homeDir, boolean noOauth) {
    String userHome = CredentialDiscovery.homeDirectory(context.env());
    Path home = homeDir != null ? homeDir : Path.of(userHome != null && !userHome.isBlank() ? userHome : ".");
    return new CredentialDiscovery(adapters, home, !noOauth, context.env(), clock).discover();
  }

  /**
   * The credential for {@code agent}: with {@code --provider}, that provider's (refused when the agent
   * does not work with it); else the first found of the agent's providers in its order of preference,
   * then, for an agent that works with any provider, the only other provider found.
   */
  private static Credential forAgent(Found found, String agent, CredentialUse use, String provider) {
    if (provider != null) {
      if (!use.anyProvider() && !use.providers().contains(provider)) {
        throw new IllegalStateException("agent " + use.agentName() + " only supports provider "
            + String.join(", ", use.providers()));
      }
      return forProvider(found, provider);
    }
    for (String preferred : use.providers()) {
      Optional<Credential> credential = found.find(preferred);
      if (credential.isPresent()) {
        return credential.get();
      }
    }
    if (!use.anyProvider()) {
      throw new IllegalStateException("no credentials found for provider " + use.providers().getFirst());
    }
    Map<String, Credential> other = new TreeMap<>(found.credentials());
    use.providers().forEach(other::remove);
    if (other.size() == 1) {
      return other.values().iterator().next();
    }
    if (other.isEmpty()) {
      throw new IllegalStateException("no credentials found for " + agent);
    }
    throw new IllegalStateException("multiple providers available for " + agent + ": "
        + String.join(", ", other.keySet()) + " (use --provider)");
  }

  private static Credential forProvider(Found found, String provider) {
    return found.find(provider)
        .orElseThrow(() -> new IllegalStateException("no credentials found for provider " + provider));
  }

  private static ObjectNode json(Credential c, boolean reveal) {
    ObjectNode node = PrettyJson.mapper().createObjectNode();
    node.put("provider", c.provider());
    node.put("source", c.source());
    node.put("auth_type", c.authType());
    node.put("api_key", reveal ? c.apiKey() : redact(c.apiKey()));
    node.put("redacted", !reveal);
    return node;
  }

  /** {@code ****} for 8 characters or fewer, else the first 4 and last 4 around {@code ...}. */
  static String redact(String key) {
    String k = key.strip();
    if (k.length() <= 8) {
      return "****";
    }
    return k.substring(0, 4) + "..." + k.substring(k.length() - 4);
  }
}
