package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.cli.ApiCall.Output;
import dev.sandboxagent.host.cli.CommandSpec.ArgumentException;
import dev.sandboxagent.host.cli.CommandSpec.Option;
import dev.sandboxagent.host.cli.CommandSpec.Parsed;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code sandbox-agent api agents|sessions …}: one command per endpoint of the v1 API. JSON answers
 * are printed pretty on stdout, 204 answers print nothing, the two streams ({@code
 * send-message-stream}, {@code events-sse}) are copied to stdout as they arrive. A non-2xx answer
 * prints its body on stderr and exits 1, as does a failed connection; command-line mistakes exit 2.
 */
public final class ApiCommand {

  /** Where the daemon listens unless {@code --endpoint} says otherwise. */
  public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2468";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Option ENDPOINT =
      Option.value("e", "endpoint", "ENDPOINT", "daemon URL [default: " + DEFAULT_ENDPOINT + "]");
  private static final Option INCLUDE_RAW =
      Option.flag(null, "include-raw", "keep each event's native payload in \"raw\"");
  private static final Option OFFSET = Option.value("o", "offset", "OFFSET", "only events with a greater sequence");
  private static final Option LIMIT = Option.value("l", "limit", "LIMIT", "at most this many events");
  private static final Option MESSAGE = Option.required("m", "message", "MESSAGE", "the message text");
  private static final String TOP_USAGE = """
      HTTP client for a running daemon

      Usage: sandbox-agent api <COMMAND>

      Commands:
        agents    list agents, install one, list its modes
        sessions  create sessions, send messages, read events, answer questions and permissions

      Options:
        -h, --help  Print help

      The global options -t, --token <TOKEN> (sent as a bearer token) and -n, --no-token (send none)
      may be given anywhere on the command line.
      """;

  /** One leaf command: its group ({@code agents}, {@code sessions}), its spec and its request. */
  private record Leaf(String group, String name, CommandSpec spec, Function<Parsed, ApiCall> request) {}

  private static final List<Leaf> LEAVES = List.of(
      leaf("agents", "list", "List the agents and their install state", List.of(), List.of(),
          p -> get("/v1/agents")),
      leaf("agents", "install", "Install or reinstall an agent", List.of("AGENT"),
          List.of(Option.flag("r", "reinstall", "download even if the agent is already installed")),
          p -> post("/v1/agents/" + p.positional(0) + "/install",
              p.has("reinstall") ? JSON.createObjectNode().put("reinstall", true) : JSON.createObjectNode())),
      leaf("agents", "modes", "List an agent's modes", List.of("AGENT"), List.of(),
          p -> get("/v1/agents/" + p.positional(0) + "/modes")),
      leaf("sessions", "list", "List the sessions, newest first", List.of(), List.of(),
          p -> get("/v1/sessions")),
      leaf("sessions", "create", "Create a session", List.of("SESSION_ID"), List.of(
              Option.required("a", "agent", "AGENT", "claude, codex, opencode, amp or mock"),
              Option.value("g", "agent-mode", "AGENT_MODE", "the agent mode [default: build]"),
              Option.value("p", "permission-mode", "PERMISSION_MODE", "default, plan or bypass"),
              Option.value("m", "model", "MODEL", "passed to the agent verbatim"),
              Option.value("v", "variant", "VARIANT", "model variant (OpenCode)"),
              Option.value("A", "agent-version", "AGENT_VERSION", "version to install if the agent is missing")),
          ApiCommand::create),
      leaf("sessions", "send-message", "Send a message; the answer arrives as events", List.of("SESSION_ID"),
          List.of(MESSAGE), p -> post(session(p) + "/messages", message(p))),
      leaf("sessions", "send-message-stream", "Send a message and print the turn's events as they arrive",
          List.of("SESSION_ID"), List.of(MESSAGE, INCLUDE_RAW),
          p -> new ApiCall("POST", session(p) + "/messages/stream" + (p.has("include-raw") ? "?include_raw=true" : ""),
              message(p).toString(), Output.STREAM)),
      leaf("sessions", "terminate", "Terminate a session", List.of("SESSION_ID"), List.of(),
          p -> new ApiCall("POST", session(p) + "/terminate", null, Output.NONE)),
      leaf("sessions", "events", "Print a session's events", List.of("SESSION_ID"),
          List.of(OFFSET, LIMIT, INCLUDE_RAW), p -> get(session(p) + "/events" + query(p))),
      leaf("sessions", "get-messages", "Print a session's events (same as events)", List.of("SESSION_ID"),
          List.of(OFFSET, LIMIT, INCLUDE_RAW), p -> get(session(p) + "/events" + query(p))),
      leaf("sessions", "events-sse", "Print a session's events as they are recorded, until it ends",
          List.of("SESSION_ID"), List.of(OFFSET, INCLUDE_RAW),
          p -> new ApiCall("GET", session(p) + "/events/sse" + query(p), null, Output.STREAM)),
      leaf("sessions", "reply-question", "Answer a pending question", List.of("SESSION_ID", "QUESTION_ID"),
          List.of(Option.required("a", "answers", "ANSWERS", "JSON array of selected labels per question, "
              + "e.g. '[[\"Yes\"]]'")),
          p -> post(session(p) + "/questions/" + p.positional(1) + "/reply",
              JSON.createObjectNode().set("answers", answers(p.value("answers"))))),
      leaf("sessions", "reject-question", "Reject a pending question", List.of("SESSION_ID", "QUESTION_ID"),
          List.of(), p -> new ApiCall("POST", session(p) + "/questions/" + p.positional(1) + "/reject", null,
              Output.NONE)),
      leaf("sessions", "reply-permission", "Answer a pending permission request",
          List.of("SESSION_ID", "PERMISSION_ID"),
          List.of(Option.required("r", "reply", "REPLY", "once, always or reject")),
          p -> post(session(p) + "/permissions/" + p.positional(1) + "/reply",
              JSON.createObjectNode().put("reply", reply(p.value("reply"))))));

  /** A local mistake that is not a command-line syntax error (bad {@code --answers} JSON): exit 1. */
  private static final class InvalidInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidInput(String message) {
      super(message);
    }
  }

  private ApiCommand() {}

  /**
   * Runs {@code sandbox-agent api <args>}.
   *
   * @param args the words after {@code api}, global token options already removed
   * @param token the value of {@code --token}, or null
   * @param noToken whether {@code --no-token} was given; it wins over {@code token}
   * @return the exit status: 0 success or help, 1 runtime error, 2 command-line mistake
   */
  public static int run(List<String> args, String token, boolean noToken, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      return Diagnostics.usage(err, "'sandbox-agent api' requires a subcommand", TOP_USAGE);
    }
    String group = args.get(0);
    if (isHelp(group)) {
      out.print(TOP_USAGE);
      return 0;
    }
    if (LEAVES.stream().noneMatch(l -> l.group().equals(group))) {
      return Diagnostics.usage(err, unrecognized(group), TOP_USAGE);
    }
    if (args.size() < 2) {
      return Diagnostics.usage(err, "'sandbox-agent api " + group + "' requires a subcommand", groupUsage(group));
    }
    String name = args.get(1);
    if (isHelp(name)) {
      out.print(groupUsage(group));
      return 0;
    }
    Optional<Leaf> leaf = LEAVES.stream().filter(l -> l.group().equals(group) && l.name().equals(name)).findFirst();
    if (leaf.isEmpty()) {
      return Diagnostics.usage(err, unrecognized(name), groupUsage(group));
    }
    CommandSpec spec = leaf.get().spec();
    Parsed parsed;
    ApiCall call;
    try {
      parsed = spec.parse(args.subList(2, args.size()));
      if (parsed.help()) {
        out.print(spec.usage());
        return 0;
      }
      call = leaf.get().request().apply(parsed);
    } catch (ArgumentException e) {
      return Diagnostics.usage(err, e.getMessage(), spec.usage());
    } catch (InvalidInput e) {
      return Diagnostics.fail(err, e.getMessage());
    }
    String endpoint = Optional.ofNullable(parsed.value("endpoint")).orElse(DEFAULT_ENDPOINT).replaceAll("/+$", "");
    return call.execute(endpoint, noToken ? null : token, out, err);
  }

  private static boolean isHelp(String arg) {
    return arg.equals("-h") || arg.equals("--help");
  }

  private static String unrecognized(String word) {
    return word.startsWith("-") ? "unexpected argument '" + word + "' found" : "unrecognized subcommand '" + word + "'";
  }

  private static Leaf leaf(String group, String name, String about, List<String> positionals, List<Option> options,
      Function<Parsed, ApiCall> request) {
    List<Option> all = new ArrayList<>(options);
    all.add(ENDPOINT);
    return new Leaf(group, name, new CommandSpec("sandbox-agent api " + group + " " + name, about, positionals, all),
        request);
  }

  private static String groupUsage(String group) {
    List<String[]> rows = LEAVES.stream().filter(l -> l.group().equals(group))
        .map(l -> new String[] {l.name(), l.spec().about()}).toList();
    return (group.equals("agents") ? "Agent endpoints" : "Session endpoints") + "\n\nUsage: sandbox-agent api " + group
        + " <COMMAND>\n\nCommands:\n" + CommandSpec.table(rows) + "\nOptions:\n  -h, --help  Print help\n";
  }

  private static ApiCall get(String path) {
    return new ApiCall("GET", path, null, Output.JSON);
  }

  private static ApiCall post(String path, JsonNode body) {
    return new ApiCall("POST", path, body.toString(), Output.NONE);
  }

  private static String session(Parsed p) {
    return "/v1/sessions/" + p.positional(0);
  }

  private static ApiCall create(Parsed p) {
    ObjectNode body = JSON.createObjectNode();
    String[][] fields = {{"agent", "agent"}, {"agent-mode", "agentMode"}, {"permission-mode", "permissionMode"},
        {"model", "model"}, {"variant", "variant"}, {"agent-version", "agentVersion"}};
    for (String[] field : fields) {
      if (p.has(field[0])) {
        body.put(field[1], p.value(field[0]));
      }
    }
    return new ApiCall("POST", session(p), body.toString(), Output.JSON);
  }

  private static ObjectNode message(Parsed p) {
    return JSON.createObjectNode().put("message", p.value("message"));
  }

  /** {@code ?offset=&limit=&include_raw=true} with only the parameters given. */
  private static String query(Parsed p) {
    List<String> params = new ArrayList<>();
    for (String name : List.of("offset", "limit")) {
      if (p.has(name)) {
        params.add(name + "=" + unsigned(name, p.value(name)));
      }
    }
    if (p.has("include-raw")) {
      params.add("include_raw=true");
    }
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  private static String unsigned(String option, String value) {
    try {
      if (!value.isEmpty() && Character.isDigit(value.charAt(0))) {
        Long.parseUnsignedLong(value);
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ArgumentException("invalid value '" + value + "' for '--" + option + " <" + option.toUpperCase(Locale.ROOT)
        + ">': expected a non-negative integer");
  }

  private static String reply(String value) {
    String reply = value.toLowerCase(Locale.ROOT);
    if (!List.of("once", "always", "reject").contains(reply)) {
      throw new ArgumentException("invalid value '" + value + "' for '--reply <REPLY>' [possible values: once, always, "
          + "reject]");
    }
    return reply;
  }

  /** Checks that {@code --answers} is a JSON array of arrays of strings before anything is sent. */
  private static JsonNode answers(String text) {
    String expected = "expected a JSON array of arrays of strings, e.g. [[\"Yes\"]]";
    JsonNode answers;
    try {
      answers = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidInput("invalid --answers: " + e.getOriginalMessage() + "; " + expected);
    }
    boolean valid = answers != null && answers.isArray();
    for (int i = 0; valid && i < answers.size(); i++) {
      JsonNode answer = answers.get(i);
      valid = answer.isArray();
      for (int j = 0; valid && j < answer.size(); j++) {
        valid = answer.get(j).isTextual();
      }
    }
    if (!valid) {
      throw new InvalidInput("invalid --answers: " + expected);
    }
    return answers;
  }
}
