package dev.sandboxagent.host.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Credential;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Found;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code sandbox-agent credentials extract | extract-env}: prints the credentials discovery finds.
 * Errors exit 1, argument errors 2. The agents, the credentials they work with and where they find
 * them come from the loaded plugins.
 */
public final class CredentialsCommand {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger PF4J_LOG = Logger.getLogger("org.pf4j");
  private static final Logger PLUGIN_LOG = Logger.getLogger("dev.sandboxagent.host.plugin");

  private CredentialsCommand() {}

  private static String usage(List<String> agents) {
    return """
        Usage: sandbox-agent credentials extract [-a|--agent %s] [-p|--provider <P>]
                                                 [-d|--home-dir <DIR>] [--no-oauth] [-r|--reveal]
               sandbox-agent credentials extract-env [-e|--export] [-d|--home-dir <DIR>] [--no-oauth]
        """.formatted(String.join("|", agents));
  }

  /**
   * Runs with the process environment and home directory, over the agents of the plugins in
   * {@code pluginsDir}.
   */
  public static int run(List<String> args, PrintStream out, PrintStream err, Path pluginsDir) {
    // the plugin loader's lines would mix with the command's output on the terminal
    for (Logger logger : new Logger[] {PF4J_LOG, PLUGIN_LOG}) {
      logger.setLevel(Level.WARNING);
    }
    try (AdapterRegistry registry = AdapterRegistry.load(pluginsDir)) {
      List<AgentAdapter> adapters = registry.agents().stream().map(LoadedAgent::adapter).toList();
      return run(args, out, err, System.getenv(), CredentialDiscovery.homeDirectory(System.getenv()), Clock.systemUTC(), adapters);
    }
  }

  static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, String userHome,
      Clock clock, List<AgentAdapter> adapters) {
    Map<String, CredentialUse> agents = new LinkedHashMap<>();
    for (AgentAdapter adapter : adapters) {
      CredentialUse use = CredentialDiscovery.use(adapter);
      if (use.usesCredentials()) {
        agents.putIfAbsent(adapter.descriptor().id(), use);
      }
    }
    String usage = usage(List.copyOf(agents.keySet()));
    if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
      (args.isEmpty() ? err : out).print(usage);
      return args.isEmpty() ? 2 : 0;
    }
    String command = args.get(0);
    if (!command.equals("extract") && !command.equals("extract-env")) {
      err.println("error: unrecognized subcommand '" + command + "'");
      err.print(usage);
      return 2;
    }
    String agent = null;
    String provider = null;
    String homeDir = null;
    boolean noOauth = false;
    boolean reveal = false;
    boolean export = false;
    boolean env2 = command.equals("extract-env");
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      String inline = null;
      if (arg.startsWith("--") && arg.contains("=")) {
        inline = arg.substring(arg.indexOf('=') + 1);
        arg = arg.substring(0, arg.indexOf('='));
      }
      switch (arg) {
        case "-h", "--help" -> {
          out.print(usage);
          return 0;
        }
        case "--no-oauth" -> noOauth = true;
        case "-d", "--home-dir" -> {
          homeDir = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : null;
          if (homeDir == null) {
            return usage(err, usage, "a value is required for '" + arg + "'");
          }
        }
        case "-r", "--reveal" -> {
          if (env2) {
            return usage(err, usage, "unexpected argument '" + arg + "'");
          }
          reveal = true;
        }
        case "-e", "--export" -> {
          if (!env2) {
            return usage(err, usage, "unexpected argument '" + arg + "'");
          }
          export = true;
        }
        case "-a", "--agent", "-p", "--provider" -> {
          if (env2) {
            return usage(err, usage, "unexpected argument '" + arg + "'");
          }
          String value = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : null;
          if (value == null) {
            return usage(err, usage, "a value is required for '" + arg + "'");
          }
          if (arg.equals("-a") || arg.equals("--agent")) {
            if (!agents.containsKey(value)) {
              return usage(err, usage, "invalid value '" + value + "' for '--agent <AGENT>' [possible values: "
                  + String.join(", ", agents.keySet()) + "]");
            }
            agent = value;
          } else {
            provider = value;
          }
        }
        default -> {
          return usage(err, usage, "unexpected argument '" + arg + "'");
        }
      }
    }
    Path home = Path.of(homeDir != null ? homeDir : userHome != null && !userHome.isBlank() ? userHome : ".");
    Found found = new CredentialDiscovery(adapters, home, !noOauth, env, clock).discover();
    if (env2) {
      String prefix = export ? "export " : "";
      found.environment().forEach((k, v) -> out.println(prefix + k + "=" + v));
      return 0;
    }
    try {
      if (agent == null && provider == null) {
        boolean shown = reveal;
        ObjectNode body = JSON.createObjectNode();
        for (String named : CredentialDiscovery.NAMED_PROVIDERS) {
          body.set(named, found.find(named).<JsonNode>map(c -> json(c, shown)).orElse(NullNode.getInstance()));
        }
        ObjectNode other = body.putObject("other");
        found.other().forEach((name, c) -> other.set(name, json(c, shown)));
        out.println(PrettyJson.render(body));
        return 0;
      }
      Credential credential = agent != null
          ? forAgent(found, agent, agents.get(agent), provider) : forProvider(found, provider);
      out.println(credential.apiKey());
      return 0;
    } catch (IllegalStateException e) {
      err.println("error=\"" + e.getMessage() + "\"");
      return 1;
    }
  }

  private static int usage(PrintStream err, String usage, String message) {
    err.println("error: " + message);
    err.print(usage);
    return 2;
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
    ObjectNode node = JSON.createObjectNode();
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
