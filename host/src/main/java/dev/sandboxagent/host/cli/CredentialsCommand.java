package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.cli.CommandSpec.ArgumentException;
import dev.sandboxagent.host.cli.CommandSpec.Option;
import dev.sandboxagent.host.cli.CommandSpec.Parsed;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sandbox-agent credentials extract | extract-env}: prints what {@link CredentialDiscovery}
 * finds. {@code extract} prints a JSON summary with redacted keys, or one raw key for an agent or
 * provider; {@code extract-env} prints {@code NAME=value} lines for a shell. Selection errors exit 1,
 * command-line mistakes (including an unknown {@code --agent}) exit 2.
 */
public final class CredentialsCommand {

  private static final List<String> AGENTS = List.of("claude", "codex", "opencode", "amp");
  private static final Option HOME_DIR = Option.value("d", "home-dir", "DIR", "read the agents' files under DIR "
      + "[default: $HOME]");
  private static final Option NO_OAUTH = Option.flag(null, "no-oauth", "ignore OAuth tokens");
  private static final CommandSpec EXTRACT = new CommandSpec("sandbox-agent credentials extract",
      "Print the discovered credentials (keys redacted), or one raw key with --agent or --provider", List.of(),
      List.of(Option.value("a", "agent", "AGENT", "print the key this agent would use: claude, codex, opencode, amp"),
          Option.value("p", "provider", "PROVIDER", "print the key of this provider (anthropic, openai, ...)"),
          HOME_DIR, NO_OAUTH, Option.flag("r", "reveal", "print whole keys in the summary")));
  private static final CommandSpec EXTRACT_ENV = new CommandSpec("sandbox-agent credentials extract-env",
      "Print the discovered credentials as NAME=value lines", List.of(),
      List.of(Option.flag("e", "export", "prefix each line with 'export '"), HOME_DIR, NO_OAUTH));
  private static final String USAGE = "Local credential discovery\n\nUsage: sandbox-agent credentials <COMMAND>\n\n"
      + "Commands:\n" + CommandSpec.table(List.of(new String[] {"extract", EXTRACT.about()},
          new String[] {"extract-env", EXTRACT_ENV.about()}))
      + "\nOptions:\n  -h, --help  Print help\n";

  /** A selection that cannot be satisfied: exit 1. */
  private static final class SelectionError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SelectionError(String message) {
      super(message);
    }
  }

  private CredentialsCommand() {}

  /**
   * Runs {@code sandbox-agent credentials <args>} with the process environment and the user's home.
   *
   * @return the exit status: 0 success or help, 1 selection error, 2 command-line mistake
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.getenv(), System.getProperty("user.home"), Clock.systemUTC());
  }

  static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, String userHome,
      Clock clock) {
    if (args.isEmpty()) {
      return Diagnostics.usage(err, "'sandbox-agent credentials' requires a subcommand", USAGE);
    }
    String name = args.get(0);
    if (name.equals("-h") || name.equals("--help")) {
      out.print(USAGE);
      return 0;
    }
    CommandSpec spec = switch (name) {
      case "extract" -> EXTRACT;
      case "extract-env" -> EXTRACT_ENV;
      default -> null;
    };
    if (spec == null) {
      return Diagnostics.usage(err, name.startsWith("-") ? "unexpected argument '" + name + "' found"
          : "unrecognized subcommand '" + name + "'", USAGE);
    }
    Parsed parsed;
    try {
      parsed = spec.parse(args.subList(1, args.size()));
      if (!parsed.help() && parsed.has("agent") && !AGENTS.contains(parsed.value("agent"))) {
        throw new ArgumentException("invalid value '" + parsed.value("agent") + "' for '--agent <AGENT>' "
            + "[possible values: claude, codex, opencode, amp]");
      }
    } catch (ArgumentException e) {
      return Diagnostics.usage(err, e.getMessage(), spec.usage());
    }
    if (parsed.help()) {
      out.print(spec.usage());
      return 0;
    }
    Path home = parsed.has("home-dir") ? Path.of(parsed.value("home-dir"))
        : CredentialDiscovery.defaultHome(env, userHome);
    Credentials found = CredentialDiscovery.discover(home, !parsed.has("no-oauth"), env, clock);
    if (spec == EXTRACT_ENV) {
      String prefix = parsed.has("export") ? "export " : "";
      environmentLines(found).forEach(line -> out.println(prefix + line));
      return 0;
    }
    try {
      if (!parsed.has("agent") && !parsed.has("provider")) {
        out.println(PrettyJson.render(summary(found, parsed.has("reveal"))));
      } else {
        out.println(select(found, parsed.value("agent"), parsed.value("provider")).apiKey());
      }
      return 0;
    } catch (SelectionError e) {
      return Diagnostics.fail(err, e.getMessage());
    }
  }

  /**
   * {@code NAME=value} lines: {@code ANTHROPIC_API_KEY}, {@code CLAUDE_API_KEY}, {@code OPENAI_API_KEY},
   * {@code CODEX_API_KEY} (each when found), then {@code <PROVIDER>_API_KEY} per other provider by name.
   */
  static List<String> environmentLines(Credentials found) {
    List<String> lines = new ArrayList<>();
    found.agentEnvironment().forEach((name, value) -> lines.add(name + "=" + value));
    found.other().forEach((provider, c) -> lines.add(variableName(provider) + "=" + c.apiKey()));
    return lines;
  }

  /** {@code openrouter} → {@code OPENROUTER_API_KEY}, {@code google-vertex} → {@code GOOGLE_VERTEX_API_KEY}. */
  static String variableName(String provider) {
    return provider.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
  }

  private static ObjectNode summary(Credentials found, boolean reveal) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("anthropic", found.anthropic().map(c -> json(c, reveal)).orElse(NullNode.getInstance()));
    body.set("openai", found.openai().map(c -> json(c, reveal)).orElse(NullNode.getInstance()));
    ObjectNode other = body.putObject("other");
    found.other().forEach((provider, c) -> other.set(provider, json(c, reveal)));
    return body;
  }

  private static JsonNode json(Credential c, boolean reveal) {
    return JsonNodeFactory.instance.objectNode()
        .put("provider", c.provider())
        .put("source", c.source())
        .put("auth_type", c.authType())
        .put("api_key", reveal ? c.apiKey() : c.redactedKey())
        .put("redacted", !reveal);
  }

  /** The credential {@code --agent} and/or {@code --provider} ask for. */
  private static Credential select(Credentials found, String agent, String provider) {
    if (agent == null) {
      return byProvider(found, provider);
    }
    return switch (agent) {
      case "claude", "amp" -> {
        only(agent.equals("claude") ? "Claude" : "Amp", "anthropic", provider);
        yield byProvider(found, "anthropic");
      }
      case "codex" -> {
        only("Codex", "openai", provider);
        yield byProvider(found, "openai");
      }
      default -> provider != null ? byProvider(found, provider) : forOpenCode(found);
    };
  }

  private static void only(String agent, String supported, String provider) {
    if (provider != null && !provider.equals(supported)) {
      throw new SelectionError("agent " + agent + " only supports provider " + supported);
    }
  }

  private static Credential byProvider(Credentials found, String provider) {
    return found.provider(provider)
        .orElseThrow(() -> new SelectionError("no credentials found for provider " + provider));
  }

  /** OpenAI, else Anthropic, else the only other provider. */
  private static Credential forOpenCode(Credentials found) {
    Optional<Credential> preferred = found.openai().or(found::anthropic);
    if (preferred.isPresent()) {
      return preferred.get();
    }
    return switch (found.other().size()) {
      case 0 -> throw new SelectionError("no credentials found for opencode");
      case 1 -> found.other().values().iterator().next();
      default -> throw new SelectionError("multiple providers available for opencode: "
          + String.join(", ", found.other().keySet()) + " (use --provider)");
    };
  }
}
