package dev.sandboxagent.plugins.acp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.FileAction;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.ReasoningVisibility;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.event.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates what an ACP agent writes (JSON-RPC 2.0, one message per line) into universal events.
 * Pure and deterministic.
 *
 * <ul>
 *   <li>{@code session/update} {@code agent_message_chunk}: an assistant message, one delta per
 *       chunk; {@code agent_thought_chunk}: a reasoning message; {@code user_message_chunk}: a user
 *       message. A message ends when another kind of update comes, its {@code messageId} changes or
 *       the turn ends;
 *   <li>{@code tool_call}: a {@code tool_call} item (title, kind, status, locations, raw input),
 *       completed again when an update brings its input or title later;
 *       {@code tool_call_update}: its {@code tool_result} item, started while the call runs and
 *       completed (or failed) with its output, diffs as file references and locations;
 *   <li>{@code plan}, {@code available_commands_update}, {@code current_mode_update} and the other
 *       informational updates: status items;
 *   <li>{@code session/request_permission}: {@code permission.requested} whose action is the tool
 *       call's title (else its kind) and whose metadata holds the tool call, the options and the
 *       request id, after the call's {@code tool_call} item when no {@code tool_call} announced it;
 *   <li>the answer to {@code session/prompt} ({@code stopReason}): a {@code turn.completed} status
 *       item whose detail names the stop reason and whose usage holds the answer's tokens and the
 *       turn's cost (from the session's running cost in {@code usage_update}); an error answer: an
 *       {@code error} event;
 *   <li>extension notifications (methods starting with {@code _}): nothing; anything else: {@code
 *       agent.unparsed}.
 * </ul>
 *
 * A failed exit of the agent is an {@code error} with its stderr tail; the session goes on (its
 * next message starts the agent again).
 */
public final class AcpTranslator implements EventTranslator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOCATION = "acp";
  private static final Map<String, String> STATUS_LABELS = Map.of(
      "plan", "plan.updated",
      "available_commands_update", "commands.updated",
      "current_mode_update", "mode.updated",
      "config_option_update", "config.updated",
      "session_info_update", "session_info.updated",
      "usage_update", "usage.updated",
      "notice", "notice",
      "compaction_update", "compaction.updated",
      "compaction_summary_chunk", "compaction.summary");

  private final String prefix;
  private String sessionId;
  private int messages;
  private int statuses;
  /** The message being streamed, or null. */
  private OpenMessage message;
  /** The permission ids of the agent's requests, by JSON-RPC id (an agent may use an id again). */
  private final Map<String, String> permissionIds = new LinkedHashMap<>();
  private int permissions;
  /** Tool calls whose result has not completed, by tool call id. */
  private final Map<String, ToolCall> tools = new LinkedHashMap<>();
  /** The session's cost so far as the agent last reported it, and when the previous turn ended. */
  private Double sessionCostUsd;
  private Double costAtLastTurn;

  private static final class OpenMessage {
    final String nativeId;
    final String kind;
    final String messageId;
    final StringBuilder text = new StringBuilder();

    OpenMessage(String nativeId, String kind, String messageId) {
      this.nativeId = nativeId;
      this.kind = kind;
      this.messageId = messageId;
    }
  }

  private static final class ToolCall {
    final ObjectNode call;
    boolean resultStarted;

    ToolCall(ObjectNode call) {
      this.call = call;
    }
  }

  /** A translator whose native ids start with {@code prefix} (unique per agent process of a session). */
  public AcpTranslator(String prefix) {
    this.prefix = prefix;
  }

  /** The agent's session id, once a message has named it; null before. */
  public String sessionId() {
    return sessionId;
  }

  /**
   * The permission id given to the latest permission request with this JSON-RPC id, or null when
   * none was translated.
   */
  String permissionId(JsonNode requestId) {
    return permissionIds.get(requestId.toString());
  }

  @Override
  public List<AgentEvent> translate(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return List.of();
    }
    JsonNode message;
    try {
      message = JSON.readTree(trimmed);
    } catch (JsonProcessingException e) {
      return stamp(List.of(unparsed("invalid JSON: " + e.getOriginalMessage())));
    }
    if (message == null || !message.isObject()) {
      return stamp(List.of(unparsed("not a JSON object")));
    }
    List<AgentEvent> out = new ArrayList<>();
    try {
      translate(message, out);
    } catch (RuntimeException e) {
      return stamp(List.of(unparsed("cannot translate: " + e)));
    }
    return stamp(out);
  }

  private void translate(JsonNode message, List<AgentEvent> out) {
    JsonNode method = message.get("method");
    JsonNode params = message.path("params");
    if (params.path("sessionId").isTextual()) {
      sessionId = params.get("sessionId").textValue();
    }
    if (method == null) {
      if (message.has("id") && (message.has("result") || message.has("error"))) {
        response(message, out);
      } else {
        out.add(unparsed("neither a request, a notification nor a response"));
      }
      return;
    }
    String name = method.asText();
    if (message.has("id")) {
      if (name.equals("session/request_permission")) {
        permission(message.get("id"), params, out);
      } else {
        out.add(unparsed("unsupported ACP request: " + name));
      }
      return;
    }
    if (name.startsWith("_")) {
      return; // an extension notification of the agent's own, which ACP lets a client ignore
    }
    if (!name.equals("session/update") || !params.path("update").isObject()) {
      out.add(unparsed("unsupported ACP notification: " + name));
      return;
    }
    update(params.get("update"), out);
  }

  private void update(JsonNode update, List<AgentEvent> out) {
    String kind = update.path("sessionUpdate").asText("");
    switch (kind) {
      case "agent_message_chunk", "agent_thought_chunk", "user_message_chunk" -> chunk(kind, update, out);
      case "tool_call" -> toolCall(update, out);
      case "tool_call_update" -> toolCallUpdate(update, out);
      default -> {
        String label = STATUS_LABELS.get(kind);
        if (label == null) {
          out.add(unparsed("unsupported session update: " + kind));
          return;
        }
        closeMessage(out);
        JsonNode cost = update.path("cost");
        if (kind.equals("usage_update") && cost.path("amount").isNumber()
            && cost.path("currency").asText("").equals("USD")) {
          sessionCostUsd = cost.get("amount").asDouble();
        }
        ObjectNode detail = update.deepCopy();
        detail.remove("sessionUpdate");
        status(label, detail.toString(), out);
      }
    }
  }

  private void chunk(String kind, JsonNode update, List<AgentEvent> out) {
    JsonNode content = update.path("content");
    String text = content.path("type").asText("text").equals("text") ? content.path("text").asText("") : null;
    String messageId = update.path("messageId").isTextual() ? update.get("messageId").textValue() : null;
    if (message != null && (!message.kind.equals(kind)
        || (messageId != null && message.messageId != null && !messageId.equals(message.messageId)))) {
      closeMessage(out);
    }
    if (message == null) {
      message = new OpenMessage(prefix + "msg_" + (++messages), kind, messageId);
      out.add(AgentEvent.of(new EventData.ItemStarted(messageItem(message, ItemStatus.IN_PROGRESS, ""))));
    }
    if (text == null) {
      // an image or a resource: shown as its JSON, the text goes on
      text = content.toString();
    }
    if (!text.isEmpty()) {
      message.text.append(text);
      out.add(AgentEvent.of(EventData.ItemDelta.ofNative(message.nativeId, text)));
    }
  }

  private static UniversalItem messageItem(OpenMessage open, ItemStatus status, String text) {
    return switch (open.kind) {
      case "agent_thought_chunk" -> UniversalItem.of(open.nativeId, ItemKind.MESSAGE, ItemRole.ASSISTANT,
          List.of(new ContentPart.Reasoning(text, ReasoningVisibility.PUBLIC)), status);
      case "user_message_chunk" -> UniversalItem.of(open.nativeId, ItemKind.MESSAGE, ItemRole.USER,
          List.of(new ContentPart.Text(text)), status);
      default -> UniversalItem.of(open.nativeId, ItemKind.MESSAGE, ItemRole.ASSISTANT,
          List.of(new ContentPart.Text(text)), status);
    };
  }

  private void closeMessage(List<AgentEvent> out) {
    if (message != null) {
      out.add(AgentEvent.of(new EventData.ItemCompleted(messageItem(message, ItemStatus.COMPLETED,
          message.text.toString()))));
      message = null;
    }
  }

  private void toolCall(JsonNode update, List<AgentEvent> out) {
    closeMessage(out);
    String id = update.path("toolCallId").asText("");
    ObjectNode call = update.deepCopy();
    call.remove("sessionUpdate");
    ToolCall tool = new ToolCall(call);
    tools.put(id, tool);
    UniversalItem item = callItem(call, id);
    out.add(AgentEvent.of(new EventData.ItemStarted(item)));
    out.add(AgentEvent.of(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED))));
    result(tool, id, out);
  }

  private void toolCallUpdate(JsonNode update, List<AgentEvent> out) {
    closeMessage(out);
    String id = update.path("toolCallId").asText("");
    // an update of a call announced before this process, or never: its result all the same
    boolean announced = tools.containsKey(id);
    ToolCall tool = tools.computeIfAbsent(id, k -> new ToolCall(JSON.createObjectNode().put("toolCallId", k)));
    update.fields().forEachRemaining(field -> {
      if (!field.getKey().equals("sessionUpdate") && !field.getValue().isNull()) {
        tool.call.set(field.getKey(), field.getValue());
      }
    });
    if (announced && (update.hasNonNull("rawInput") || update.hasNonNull("title"))) {
      // the call's input (or title) came after the call: its item completes again, complete
      out.add(AgentEvent.of(new EventData.ItemCompleted(callItem(tool.call, id).withStatus(ItemStatus.COMPLETED))));
    }
    result(tool, id, out);
  }

  private UniversalItem callItem(JsonNode call, String id) {
    return UniversalItem.of(prefix + "tool_" + id, ItemKind.TOOL_CALL, ItemRole.ASSISTANT,
        List.of(new ContentPart.ToolCall(name(call), arguments(call), id), new ContentPart.Json(summary(call))),
        ItemStatus.IN_PROGRESS);
  }

  /** Starts, or completes, the result item of a tool call as its status says. */
  private void result(ToolCall tool, String id, List<AgentEvent> out) {
    String status = tool.call.path("status").asText("pending");
    boolean done = status.equals("completed") || status.equals("failed");
    boolean hasOutput = tool.call.path("content").isArray() && !tool.call.path("content").isEmpty();
    if (!done && !(status.equals("in_progress") || hasOutput)) {
      return;
    }
    UniversalItem item = UniversalItem.of(prefix + "tool_" + id + "_result", ItemKind.TOOL_RESULT, ItemRole.TOOL,
        resultContent(tool.call, id), ItemStatus.IN_PROGRESS);
    if (!tool.resultStarted) {
      tool.resultStarted = true;
      out.add(AgentEvent.of(new EventData.ItemStarted(item)));
    }
    if (done) {
      tools.remove(id);
      out.add(AgentEvent.of(new EventData.ItemCompleted(
          item.withStatus(status.equals("failed") ? ItemStatus.FAILED : ItemStatus.COMPLETED))));
    }
  }

  private static List<ContentPart> resultContent(JsonNode call, String id) {
    List<ContentPart> parts = new ArrayList<>();
    StringBuilder output = new StringBuilder();
    List<ContentPart> files = new ArrayList<>();
    for (JsonNode content : call.path("content")) {
      switch (content.path("type").asText("")) {
        case "content" -> {
          JsonNode block = content.path("content");
          append(output, block.path("type").asText("").equals("text") ? block.path("text").asText("") : block.toString());
        }
        case "diff" -> files.add(new ContentPart.FileRef(content.path("path").asText(""),
            content.path("oldText").isTextual() ? FileAction.PATCH : FileAction.WRITE, diff(content)));
        case "terminal" -> append(output, "[terminal " + content.path("terminalId").asText("") + "]");
        default -> append(output, content.toString());
      }
    }
    if (output.isEmpty() && call.has("rawOutput") && !call.get("rawOutput").isNull()) {
      JsonNode raw = call.get("rawOutput");
      output.append(raw.isTextual() ? raw.textValue() : raw.toString());
    }
    parts.add(new ContentPart.ToolResult(id, output.toString()));
    parts.addAll(files);
    String kind = call.path("kind").asText("");
    FileAction action = kind.equals("read") ? FileAction.READ : kind.equals("edit") ? FileAction.PATCH : null;
    if (action != null && files.isEmpty()) {
      for (JsonNode location : call.path("locations")) {
        parts.add(new ContentPart.FileRef(location.path("path").asText(""), action, null));
      }
    }
    return parts;
  }

  private static void append(StringBuilder output, String text) {
    if (!output.isEmpty() && !text.isEmpty()) {
      output.append('\n');
    }
    output.append(text);
  }

  /** A diff of the whole file: every old line removed, every new line added. */
  private static String diff(JsonNode content) {
    StringBuilder diff = new StringBuilder();
    String oldText = content.path("oldText").asText("");
    String newText = content.path("newText").asText("");
    if (!oldText.isEmpty()) {
      oldText.lines().forEach(l -> diff.append('-').append(l).append('\n'));
    }
    newText.lines().forEach(l -> diff.append('+').append(l).append('\n'));
    return diff.toString();
  }

  private static String name(JsonNode call) {
    for (String field : List.of("title", "name", "kind")) {
      if (call.path(field).isTextual() && !call.get(field).textValue().isBlank()) {
        return call.get(field).textValue();
      }
    }
    return "tool";
  }

  private static String arguments(JsonNode call) {
    JsonNode raw = call.get("rawInput");
    return raw == null || raw.isNull() ? "{}" : raw.isTextual() ? raw.textValue() : raw.toString();
  }

  /** Kind, status and locations of a tool call, the parts the tool call content part has no room for. */
  private static JsonNode summary(JsonNode call) {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("kind", call.path("kind").asText("other"));
    summary.put("status", call.path("status").asText("pending"));
    summary.set("locations", call.path("locations").isArray() ? call.get("locations") : JSON.createArrayNode());
    return summary;
  }

  private void permission(JsonNode id, JsonNode params, List<AgentEvent> out) {
    closeMessage(out);
    JsonNode call = params.path("toolCall");
    String callId = call.path("toolCallId").asText("");
    if (!callId.isEmpty() && !tools.containsKey(callId)) {
      // a call announced only by its permission request (Gemini CLI, Qwen Code): its item comes first
      toolCall(call, out);
    }
    String action = call.path("title").isTextual() && !call.get("title").textValue().isBlank()
        ? call.get("title").textValue()
        : call.path("kind").asText("permission");
    ObjectNode metadata = JSON.createObjectNode();
    metadata.set("toolCall", call);
    metadata.set("options", params.path("options").isArray() ? params.get("options") : JSON.createArrayNode());
    metadata.set("acpRequestId", id);
    String permissionId = prefix + "perm_" + (++permissions);
    permissionIds.put(id.toString(), permissionId);
    out.add(AgentEvent.of(new EventData.PermissionRequested(permissionId, action, metadata)));
  }

  private void response(JsonNode message, List<AgentEvent> out) {
    JsonNode error = message.get("error");
    if (error != null && !error.isNull()) {
      endTurn(ItemStatus.FAILED, out);
      ObjectNode details = JSON.createObjectNode();
      details.set("code", error.path("code"));
      if (error.has("data")) {
        details.set("data", error.get("data"));
      }
      out.add(AgentEvent.of(new EventData.Error(error.path("message").asText("the agent answered with an error"),
          "agent_error", details)));
      return;
    }
    JsonNode result = message.path("result");
    if (result.path("sessionId").isTextual()) {
      sessionId = result.get("sessionId").textValue();
    }
    if (result.path("stopReason").isTextual()) {
      endTurn(ItemStatus.COMPLETED, out);
      String detail = JSON.createObjectNode().put("stopReason", result.get("stopReason").textValue()).toString();
      out.addAll(AgentEvent.startedAndCompleted(
          UniversalItem.status(prefix + "status_" + (++statuses), "turn.completed", detail, turnUsage(result)),
          ItemStatus.COMPLETED));
    }
  }

  /**
   * The turn's usage: the tokens of the prompt's answer ({@code usage}) and the growth of the
   * session's cost ({@code usage_update}'s running total in USD) since the previous turn ended.
   */
  private Usage turnUsage(JsonNode result) {
    JsonNode usage = result.path("usage");
    Double cost = null;
    if (sessionCostUsd != null) {
      // in decimal, so that 0.000875 - 0.00035 is 0.000525
      cost = BigDecimal.valueOf(sessionCostUsd)
          .subtract(BigDecimal.valueOf(costAtLastTurn == null ? 0 : costAtLastTurn)).doubleValue();
      costAtLastTurn = sessionCostUsd;
    }
    return new Usage(count(usage, "inputTokens"), count(usage, "outputTokens"), count(usage, "cachedReadTokens"),
        count(usage, "cachedWriteTokens"), cost, null);
  }

  private static Long count(JsonNode usage, String field) {
    JsonNode value = usage.path(field);
    return value.isIntegralNumber() ? value.asLong() : null;
  }

  /** Closes the message and the tool results still running. */
  private void endTurn(ItemStatus status, List<AgentEvent> out) {
    closeMessage(out);
    for (Map.Entry<String, ToolCall> open : tools.entrySet()) {
      if (open.getValue().resultStarted) {
        UniversalItem item = UniversalItem.of(prefix + "tool_" + open.getKey() + "_result", ItemKind.TOOL_RESULT,
            ItemRole.TOOL, resultContent(open.getValue().call, open.getKey()), status);
        out.add(AgentEvent.of(new EventData.ItemCompleted(item)));
      }
    }
    tools.clear();
  }

  private void status(String label, String detail, List<AgentEvent> out) {
    out.addAll(AgentEvent.startedAndCompleted(UniversalItem.status(prefix + "status_" + (++statuses), label, detail),
        ItemStatus.COMPLETED));
  }

  /** A failed exit is an error carrying the stderr tail; what is open fails. */
  @Override
  public List<AgentEvent> finish(ExitStatus status) {
    List<AgentEvent> out = new ArrayList<>();
    if (!status.success()) {
      endTurn(ItemStatus.FAILED, out);
      String tail = status.stderrTail().strip();
      String how = status.exitCode() != null ? "status " + status.exitCode() : "signal " + status.signal();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("exitCode", status.exitCode());
      details.put("stderr", status.stderrTail());
      out.add(AgentEvent.synthetic(new EventData.Error(
          "the agent exited with " + how + (tail.isEmpty() ? "" : ": " + tail), "process_exit", details)));
    } else {
      endTurn(ItemStatus.COMPLETED, out);
    }
    return stamp(out);
  }

  private List<AgentEvent> stamp(List<AgentEvent> events) {
    if (sessionId == null) {
      return events;
    }
    List<AgentEvent> out = new ArrayList<>(events.size());
    for (AgentEvent e : events) {
      out.add(e.withNativeSessionId(sessionId));
    }
    return out;
  }

  private static AgentEvent unparsed(String error) {
    return AgentEvent.synthetic(new EventData.AgentUnparsed(error, LOCATION));
  }
}
