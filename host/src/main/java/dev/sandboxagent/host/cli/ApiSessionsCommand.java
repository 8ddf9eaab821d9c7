package dev.sandboxagent.host.cli;

import static dev.sandboxagent.host.cli.ApiClient.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.cli.ApiClient.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code sandbox-agent api sessions …}: the session endpoints. */
@Command(name = "sessions", description = "The session endpoints.", synopsisSubcommandLabel = "<COMMAND>")
final class ApiSessionsCommand implements Callable<Integer> {


  @Spec CommandSpec spec;
  @ParentCommand ApiCommand api;

  /** A reply to a permission request. */
  enum Reply {
    once,
    always,
    reject
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: list, create, send-message, "
        + "send-message-stream, terminate, events, events-sse, reply-question, reject-question or reply-permission");
  }

  @Command(name = "list", description = "GET /v1/sessions: every session.")
  int list() {
    return api.client().send(Request.get("/v1/sessions"));
  }

  @Command(name = "create", description = "POST /v1/sessions/<SESSION_ID>: open a session with an agent.")
  int create(@Parameters(paramLabel = "<SESSION_ID>", description = "the session's id (any text)") String session,
      @Option(names = {"-a", "--agent"}, paramLabel = "<AGENT>", required = true, description = "the agent")
      String agent,
      @Option(names = {"-g", "--agent-mode"}, paramLabel = "<AGENT_MODE>", description = "the agent's mode")
      String agentMode,
      @Option(names = {"-p", "--permission-mode"}, paramLabel = "<PERMISSION_MODE>",
          description = "default, plan or bypass") String permissionMode,
      @Option(names = {"-m", "--model"}, paramLabel = "<MODEL>", description = "the model") String model,
      @Option(names = {"-v", "--variant"}, paramLabel = "<VARIANT>", description = "the model's variant")
      String variant,
      @Option(names = {"-A", "--agent-version"}, paramLabel = "<AGENT_VERSION>",
          description = "the agent's program version") String agentVersion) {
    ObjectNode body = PrettyJson.mapper().createObjectNode();
    putIfGiven(body, "agent", agent);
    putIfGiven(body, "agentMode", agentMode);
    putIfGiven(body, "permissionMode", permissionMode);
    putIfGiven(body, "model", model);
    putIfGiven(body, "variant", variant);
    putIfGiven(body, "agentVersion", agentVersion);
    return api.client().send(Request.post(session(session), body.toString()));
  }

  @Command(name = "send-message", description = "POST …/messages: send a message; the answer comes as events.")
  int sendMessage(@Parameters(paramLabel = "<SESSION_ID>", description = "the session") String session,
      @Option(names = {"-m", "--message"}, paramLabel = "<TEXT>", required = true, description = "the message")
      String message) {
    return api.client().send(Request.post(session(session) + "/messages", message(message)));
  }

  @Command(name = "send-message-stream",
      description = "POST …/messages/stream: send a message and print the turn's events as they arrive (SSE).")
  int sendMessageStream(@Parameters(paramLabel = "<SESSION_ID>", description = "the session") String session,
      @Option(names = {"-m", "--message"}, paramLabel = "<TEXT>", required = true, description = "the message")
      String message,
      @Option(names = "--include-raw", description = "include each event's native record") boolean includeRaw) {
    return api.client().send(new Request("POST",
        session(session) + "/messages/stream" + (includeRaw ? "?include_raw=true" : ""), message(message), true));
  }

  @Command(name = "terminate", description = "POST …/terminate: stop the session's agent.")
  int terminate(@Parameters(paramLabel = "<SESSION_ID>", description = "the session") String session) {
    return api.client().send(new Request("POST", session(session) + "/terminate", null, false));
  }

  @Command(name = "events", aliases = "get-messages", description = "GET …/events: a page of the event log.")
  int events(@Parameters(paramLabel = "<SESSION_ID>", description = "the session") String session,
      @Option(names = {"-o", "--offset"}, paramLabel = "<N>", converter = Converters.Count.class,
          description = "the first sequence number") Long offset,
      @Option(names = {"-l", "--limit"}, paramLabel = "<N>", converter = Converters.Count.class,
          description = "the most events to return") Long limit,
      @Option(names = "--include-raw", description = "include each event's native record") boolean includeRaw) {
    return api.client().send(Request.get(session(session) + "/events" + query(offset, limit, includeRaw)));
  }

  @Command(name = "events-sse", description = "GET …/events/sse: the live event stream, until the daemon closes it.")
  int eventsSse(@Parameters(paramLabel = "<SESSION_ID>", description = "the session") String session,
      @Option(names = {"-o", "--offset"}, paramLabel = "<N>", converter = Converters.Count.class,
          description = "the first sequence number") Long offset,
      @Option(names = "--include-raw", description = "include each event's native record") boolean includeRaw) {
    return api.client().send(new Request("GET", session(session) + "/events/sse" + query(offset, null, includeRaw),
        null, true));
  }

  @Command(name = "reply-question", description = "POST …/questions/<QUESTION_ID>/reply: answer a question.")
  int replyQuestion(@Parameters(index = "0", paramLabel = "<SESSION_ID>", description = "the session") String session,
      @Parameters(index = "1", paramLabel = "<QUESTION_ID>", description = "the question") String question,
      @Option(names = {"-a", "--answers"}, paramLabel = "<JSON>", required = true, converter = Answers.class,
          description = "a JSON array of string arrays, one per question asked, e.g. '[[\"Yes\"]]'")
      JsonNode answers) {
    ObjectNode body = PrettyJson.mapper().createObjectNode();
    body.set("answers", answers);
    return api.client().send(Request.post(session(session) + "/questions/" + segment(question) + "/reply",
        body.toString()));
  }

  @Command(name = "reject-question", description = "POST …/questions/<QUESTION_ID>/reject: decline a question.")
  int rejectQuestion(@Parameters(index = "0", paramLabel = "<SESSION_ID>", description = "the session") String session,
      @Parameters(index = "1", paramLabel = "<QUESTION_ID>", description = "the question") String question) {
    return api.client().send(new Request("POST", session(session) + "/questions/" + segment(question) + "/reject",
        null, false));
  }

  @Command(name = "reply-permission",
      description = "POST …/permissions/<PERMISSION_ID>/reply: allow once, always, or reject.")
  int replyPermission(@Parameters(index = "0", paramLabel = "<SESSION_ID>", description = "the session")
      String session,
      @Parameters(index = "1", paramLabel = "<PERMISSION_ID>", description = "the permission request")
      String permission,
      @Option(names = {"-r", "--reply"}, paramLabel = "<REPLY>", required = true,
          description = "once, always or reject (any case)") Reply reply) {
    ObjectNode body = PrettyJson.mapper().createObjectNode().put("reply", reply.name());
    return api.client().send(Request.post(session(session) + "/permissions/" + segment(permission) + "/reply",
        body.toString()));
  }

  private static String session(String id) {
    return "/v1/sessions/" + segment(id);
  }

  private static void putIfGiven(ObjectNode body, String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  private static String message(String text) {
    return PrettyJson.mapper().createObjectNode().put("message", text).toString();
  }

  private static String query(Long offset, Long limit, boolean includeRaw) {
    List<String> params = new ArrayList<>();
    if (offset != null) {
      params.add("offset=" + offset);
    }
    if (limit != null) {
      params.add("limit=" + limit);
    }
    if (includeRaw) {
      params.add("include_raw=true");
    }
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  /** {@code --answers}: a JSON array of string arrays, checked before anything is sent. */
  static final class Answers implements ITypeConverter<JsonNode> {
    private static final String EXPECTED = "expected a JSON array of string arrays, e.g. '[[\"Yes\"]]'";

    @Override
    public JsonNode convert(String value) {
      JsonNode answers;
      try {
        answers = PrettyJson.mapper().readTree(value);
      } catch (JsonProcessingException e) {
        throw new TypeConversionException("not JSON (" + e.getOriginalMessage() + "); " + EXPECTED);
      }
      if (!(answers instanceof ArrayNode)) {
        throw new TypeConversionException(EXPECTED);
      }
      for (JsonNode answer : answers) {
        if (!answer.isArray()) {
          throw new TypeConversionException(EXPECTED);
        }
        for (JsonNode a : answer) {
          if (!a.isTextual()) {
            throw new TypeConversionException(EXPECTED);
          }
        }
      }
      return answers;
    }
  }
}
