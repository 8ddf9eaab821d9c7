package dev.sandboxagent.host.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Credential;
import dev.sandboxagent.host.credentials.CredentialDiscovery.Found;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code sandbox-agent credentials extract | extract-env}: prints the credentials discovery finds.
 * Errors exit 1, argument errors 2.
 */
public final class CredentialsCommand {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> AGENTS = Set.of("claude", "codex", "opencode", "amp");
  private static final String USAGE = """
      Usage: sandbox-agent credentials extract [-a|--agent claude|codex|opencode|amp] [-p|--provider <P>]
                                               [-d|--home-dir <DIR>] [--no-oauth] [-r|--reveal]
             sandbox-agent credentials extract-env [-e|--export] [-d|--home-dir <DIR>] [--no-oauth]
      """;

  private CredentialsCommand() {}

  /** Runs with the process environment and home directory. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.getenv(), homeDirectory(System.getenv()), Clock.systemUTC());
  }

  /** {@code $HOME} (what the agents themselves use), else the JVM's idea of the user's home. */
  public static String homeDirectory(Map<String, String> env) {
    String home = env.get("HOME");
    return home != null && !home.isBlank() ? home : System.getProperty("user.home");
  }

  static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, String userHome,
      Clock clock) {
    if (args.isEmpty() || args.get(0).equals("-h") || args.get(0).equals("--help")) {
      (args.isEmpty() ? err : out).print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    String command = args.get(0);
    if (!command.equals("extract") && !command.equals("extract-env")) {
      err.println("error: unrecognized subcommand '" + command + "'");
      err.print(USAGE);
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
          out.print(USAGE);
          return 0;
        }
        case "--no-oauth" -> noOauth = true;
        case "-d", "--home-dir" -> {
          homeDir = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : null;
          if (homeDir == null) {
            return usage(err, "a value is required for '" + arg + "'");
          }
        }
        case "-r", "--reveal" -> {
          if (env2) {
            return usage(err, "unexpected argument '" + arg + "'");
          }
          reveal = true;
        }
        case "-e", "--export" -> {
          if (!env2) {
            return usage(err, "unexpected argument '" + arg + "'");
          }
          export = true;
        }
        case "-a", "--agent", "-p", "--provider" -> {
          if (env2) {
            return usage(err, "unexpected argument '" + arg + "'");
          }
          String value = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : null;
          if (value == null) {
            return usage(err, "a value is required for '" + arg + "'");
          }
          if (arg.equals("-a") || arg.equals("--agent")) {
            if (!AGENTS.contains(value)) {
              return usage(err, "invalid value '" + value + "' for '--agent <AGENT>' [possible values: claude, codex, "
                  + "opencode, amp]");
            }
            agent = value;
          } else {
            provider = value;
          }
        }
        default -> {
          return usage(err, "unexpected argument '" + arg + "'");
        }
      }
    }
    Path home = Path.of(homeDir != null ? homeDir : userHome != null && !userHome.isBlank() ? userHome : ".");
    Found found = new CredentialDiscovery(home, !noOauth, env, clock).discover();
    if (env2) {
      String prefix = export ? "export " : "";
      found.environment().forEach((k, v) -> out.println(prefix + k + "=" + v));
      return 0;
    }
    try {
      if (agent == null && provider == null) {
        boolean shown = reveal;
        ObjectNode body = JSON.createObjectNode();
        body.set("anthropic", found.anthropic().map(c -> json(c, shown)).orElse(null));
        body.set("openai", found.openai().map(c -> json(c, shown)).orElse(null));
        ObjectNode other = body.putObject("other");
        found.other().forEach((name, c) -> other.set(name, json(c, shown)));
        if (body.get("anthropic") == null) {
          body.putNull("anthropic");
        }
        if (body.get("openai") == null) {
          body.putNull("openai");
        }
        out.println(PrettyJson.render(body));
        return 0;
      }
      Credential credential = agent != null ? forAgent(found, agent, provider) : forProvider(found, provider);
      out.println(credential.apiKey());
      return 0;
    } catch (IllegalStateException e) {
      err.println("error=\"" + e.getMessage() + "\"");
      return 1;
    }
  }

  private static int usage(PrintStream err, String message) {
    err.println("error: " + message);
    err.print(USAGE);
    return 2;
  }

  private static Credential forAgent(Found found, String agent, String provider) {
    switch (agent) {
      case "claude", "amp" -> {
        String name = agent.equals("claude") ? "Claude" : "Amp";
        if (provider != null && !provider.equals("anthropic")) {
          throw new IllegalStateException("agent " + name + " only supports provider anthropic");
        }
        return found.anthropic().orElseThrow(() -> new IllegalStateException("no credentials found for provider anthropic"));
      }
      case "codex" -> {
        if (provider != null && !provider.equals("openai")) {
          throw new IllegalStateException("agent Codex only supports provider openai");
        }
        return found.openai().orElseThrow(() -> new IllegalStateException("no credentials found for provider openai"));
      }
      default -> {
        if (provider != null) {
          return forProvider(found, provider);
        }
        Optional<Credential> pick = found.openai().or(found::anthropic);
        if (pick.isPresent()) {
          return pick.get();
        }
        if (found.other().size() == 1) {
          return found.other().values().iterator().next();
        }
        if (found.other().isEmpty()) {
          throw new IllegalStateException("no credentials found for opencode");
        }
        throw new IllegalStateException("multiple providers available for opencode: "
            + String.join(", ", found.other().keySet()) + " (use --provider)");
      }
    }
  }

  private static Credential forProvider(Found found, String provider) {
    Optional<Credential> credential = switch (provider) {
      case "anthropic" -> found.anthropic();
      case "openai" -> found.openai();
      default -> Optional.ofNullable(found.other().get(provider));
    };
    return credential.orElseThrow(() -> new IllegalStateException("no credentials found for provider " + provider));
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
