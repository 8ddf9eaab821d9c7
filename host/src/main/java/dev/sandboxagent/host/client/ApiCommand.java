package dev.sandboxagent.host.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.credentials.PrettyJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code sandbox-agent api agents|sessions …}: a thin HTTP client for every endpoint. JSON answers
 * are printed pretty; streams are copied to stdout line by line as they arrive, with no overall
 * timeout. Non-2xx answers print their body on stderr and exit 1; argument errors exit 2.
 */
public final class ApiCommand {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final String USAGE = """
      Usage: sandbox-agent api agents list
             sandbox-agent api agents install <AGENT> [-r|--reinstall]
             sandbox-agent api agents modes <AGENT>
             sandbox-agent api sessions list
             sandbox-agent api sessions create <SESSION_ID> -a <AGENT> [-g <AGENT_MODE>] [-p <PERMISSION_MODE>]
                                               [-m <MODEL>] [-v <VARIANT>] [-A <AGENT_VERSION>]
             sandbox-agent api sessions send-message <SESSION_ID> -m <TEXT>
             sandbox-agent api sessions send-message-stream <SESSION_ID> -m <TEXT> [--include-raw]
             sandbox-agent api sessions terminate <SESSION_ID>
             sandbox-agent api sessions events|get-messages <SESSION_ID> [-o <N>] [-l <N>] [--include-raw]
             sandbox-agent api sessions events-sse <SESSION_ID> [-o <N>] [--include-raw]
             sandbox-agent api sessions reply-question <SESSION_ID> <QUESTION_ID> -a '<JSON [["answer"]]>'
             sandbox-agent api sessions reject-question <SESSION_ID> <QUESTION_ID>
             sandbox-agent api sessions reply-permission <SESSION_ID> <PERMISSION_ID> -r once|always|reject
      Every command takes -e, --endpoint <URL> [default: http://127.0.0.1:2468].
      """;

  /** One command: its positionals, its flags (short → long, and which take a value), required flags. */
  private record Spec(int positionals, Map<String, String> flags, Set<String> valued, Set<String> required) {}

  private static final Map<String, Spec> SPECS = Map.ofEntries(
      Map.entry("agents list", spec(0, "")),
      Map.entry("agents install", spec(1, "r:reinstall")),
      Map.entry("agents modes", spec(1, "")),
      Map.entry("sessions list", spec(0, "")),
      Map.entry("sessions create", spec(1, "a:agent= g:agent-mode= p:permission-mode= m:model= v:variant= "
          + "A:agent-version= !agent")),
      Map.entry("sessions send-message", spec(1, "m:message= !message")),
      Map.entry("sessions send-message-stream", spec(1, "m:message= :include-raw !message")),
      Map.entry("sessions terminate", spec(1, "")),
      Map.entry("sessions events", spec(1, "o:offset= l:limit= :include-raw")),
      Map.entry("sessions get-messages", spec(1, "o:offset= l:limit= :include-raw")),
      Map.entry("sessions events-sse", spec(1, "o:offset= :include-raw")),
      Map.entry("sessions reply-question", spec(2, "a:answers= !answers")),
      Map.entry("sessions reject-question", spec(2, "")),
      Map.entry("sessions reply-permission", spec(2, "r:reply= !reply")));

  private static Spec spec(int positionals, String flags) {
    Map<String, String> names = new LinkedHashMap<>();
    Set<String> valued = new HashSet<>(Set.of("endpoint"));
    Set<String> required = new HashSet<>();
    names.put("e", "endpoint");
    for (String f : flags.split(" ")) {
      if (f.isEmpty()) {
        continue;
      }
      if (f.startsWith("!")) {
        required.add(f.substring(1));
        continue;
      }
      String[] parts = f.split(":");
      String longName = parts[1].replace("=", "");
      if (parts[1].endsWith("=")) {
        valued.add(longName);
      }
      if (!parts[0].isEmpty()) {
        names.put(parts[0], longName);
      }
      names.put(longName, longName);
    }
    names.put("endpoint", "endpoint");
    return new Spec(positionals, names, valued, required);
  }

  private ApiCommand() {}

  /**
   * Runs {@code api <args>}; {@code token} is sent as a bearer token unless {@code noToken}.
   *
   * @return the exit status
   */
  public static int run(List<String> args, String token, boolean noToken, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.contains("-h") || args.contains("--help")) {
      (args.isEmpty() ? err : out).print(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    String key = args.size() >= 2 ? args.get(0) + " " + args.get(1) : args.get(0);
    Spec spec = SPECS.get(key);
    if (spec == null) {
      return usage(err, "unrecognized command 'api " + key + "'");
    }
    List<String> positionals = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 2; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("-") || arg.equals("-")) {
        positionals.add(arg);
        continue;
      }
      String name = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      String inline = null;
      if (name.contains("=")) {
        inline = name.substring(name.indexOf('=') + 1);
        name = name.substring(0, name.indexOf('='));
      }
      String longName = spec.flags().get(name);
      if (longName == null) {
        return usage(err, "unexpected argument '" + arg + "'");
      }
      if (spec.valued().contains(longName)) {
        String value = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : null;
        if (value == null) {
          return usage(err, "a value is required for '" + arg + "'");
        }
        values.put(longName, value);
      } else {
        values.put(longName, "true");
      }
    }
    if (positionals.size() != spec.positionals()) {
      return usage(err, positionals.size() < spec.positionals() ? "missing required arguments"
          : "unexpected argument '" + positionals.get(spec.positionals()) + "'");
    }
    for (String required : spec.required()) {
      if (!values.containsKey(required)) {
        return usage(err, "the following required argument was not provided: --" + required);
      }
    }
    for (String number : List.of("offset", "limit")) {
      if (values.containsKey(number) && !values.get(number).matches("\\d{1,18}")) {
        return usage(err, "invalid value '" + values.get(number) + "' for '--" + number + " <N>'");
      }
    }
    Request request;
    try {
      request = request(key, positionals, values);
    } catch (LocalError e) {
      err.println("error=\"" + e.getMessage() + "\"");
      return 1;
    } catch (UsageError e) {
      return usage(err, e.getMessage());
    }
    String endpoint = values.getOrDefault("endpoint", "http://127.0.0.1:2468").replaceAll("/+$", "");
    URI uri;
    try {
      uri = URI.create(endpoint + request.path());
    } catch (IllegalArgumentException e) {
      err.println("error=\"invalid URL " + endpoint + request.path() + ": " + e.getMessage() + "\"");
      return 1;
    }
    return send(uri, request, noToken ? null : token, out, err);
  }

  private record Request(String method, String path, String body, boolean stream) {}

  private static final class LocalError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LocalError(String message) {
      super(message);
    }
  }

  private static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  private static Request request(String key, List<String> p, Map<String, String> v) {
    String session = p.isEmpty() ? "" : "/v1/sessions/" + p.get(0);
    return switch (key) {
      case "agents list" -> new Request("GET", "/v1/agents", null, false);
      case "agents install" -> new Request("POST", "/v1/agents/" + p.get(0) + "/install",
          v.containsKey("reinstall") ? "{\"reinstall\":true}" : "{}", false);
      case "agents modes" -> new Request("GET", "/v1/agents/" + p.get(0) + "/modes", null, false);
      case "sessions list" -> new Request("GET", "/v1/sessions", null, false);
      case "sessions create" -> {
        ObjectNode body = JSON.createObjectNode();
        for (String[] field : new String[][] {{"agent", "agent"}, {"agent-mode", "agentMode"},
            {"permission-mode", "permissionMode"}, {"model", "model"}, {"variant", "variant"},
            {"agent-version", "agentVersion"}}) {
          if (v.containsKey(field[0])) {
            body.put(field[1], v.get(field[0]));
          }
        }
        yield new Request("POST", session, body.toString(), false);
      }
      case "sessions send-message" -> new Request("POST", session + "/messages", message(v), false);
      case "sessions send-message-stream" -> new Request("POST",
          session + "/messages/stream" + (v.containsKey("include-raw") ? "?include_raw=true" : ""), message(v), true);
      case "sessions terminate" -> new Request("POST", session + "/terminate", null, false);
      case "sessions events", "sessions get-messages" -> new Request("GET", session + "/events" + query(v), null, false);
      case "sessions events-sse" -> new Request("GET", session + "/events/sse" + query(v), null, true);
      case "sessions reply-question" -> {
        JsonNode answers;
        try {
          answers = JSON.readTree(v.get("answers"));
        } catch (IOException e) {
          throw new LocalError("--answers is not JSON: " + e.getMessage());
        }
        if (answers == null || !answers.isArray()) {
          throw new LocalError("--answers must be a JSON array of string arrays, e.g. '[[\"Yes\"]]'");
        }
        for (JsonNode answer : answers) {
          if (!answer.isArray()) {
            throw new LocalError("--answers must be a JSON array of string arrays, e.g. '[[\"Yes\"]]'");
          }
          answer.forEach(a -> {
            if (!a.isTextual()) {
              throw new LocalError("--answers must be a JSON array of string arrays, e.g. '[[\"Yes\"]]'");
            }
          });
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("answers", answers);
        yield new Request("POST", session + "/questions/" + p.get(1) + "/reply", body.toString(), false);
      }
      case "sessions reject-question" -> new Request("POST", session + "/questions/" + p.get(1) + "/reject", null, false);
      case "sessions reply-permission" -> {
        String reply = v.get("reply").toLowerCase(Locale.ROOT);
        if (!Set.of("once", "always", "reject").contains(reply)) {
          throw new UsageError("invalid value '" + v.get("reply") + "' for '--reply <REPLY>' [possible values: once, "
              + "always, reject]");
        }
        ObjectNode body = JSON.createObjectNode().put("reply", reply);
        yield new Request("POST", session + "/permissions/" + p.get(1) + "/reply", body.toString(), false);
      }
      default -> throw new IllegalStateException(key);
    };
  }

  private static String message(Map<String, String> v) {
    return JSON.createObjectNode().put("message", v.get("message")).toString();
  }

  private static String query(Map<String, String> v) {
    List<String> params = new ArrayList<>();
    if (v.containsKey("offset")) {
      params.add("offset=" + v.get("offset"));
    }
    if (v.containsKey("limit")) {
      params.add("limit=" + v.get("limit"));
    }
    if (v.containsKey("include-raw")) {
      params.add("include_raw=true");
    }
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  private static int send(URI uri, Request r, String token, PrintStream out, PrintStream err) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    if (!r.stream()) {
      builder.timeout(REQUEST_TIMEOUT);
    }
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (r.body() != null) {
      builder.header("Content-Type", "application/json").method(r.method(), HttpRequest.BodyPublishers.ofString(r.body()));
    } else {
      builder.method(r.method(), HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status / 100 != 2) {
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        err.println(prettyIfJson(body));
        err.println("error=\"unexpected http status: " + status + " " + reason(status) + "\"");
        return 1;
      }
      if (r.stream()) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = reader.readLine()) != null) {
            out.println(line);
            out.flush();
          }
        }
        return 0;
      }
      String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
      if (!body.isBlank()) {
        out.println(prettyIfJson(body));
      }
      return 0;
    } catch (IOException e) {
      err.println("error=\"request to " + uri + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage())
          + "\"");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String prettyIfJson(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? body : PrettyJson.render(node);
    } catch (IOException e) {
      return body;
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "";
    };
  }

  private static int usage(PrintStream err, String message) {
    err.println("error: " + message);
    err.print(USAGE);
    return 2;
  }
}
