package dev.sandboxagent.plugins.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.support.JsonLineTranslator;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.Question;
import dev.sandboxagent.api.event.ReasoningVisibility;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.event.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates Claude Code's stream-json output ({@code claude -p --output-format stream-json
 * --verbose}, with or without {@code --include-partial-messages}) into universal events. One
 * instance per process; pure and deterministic.
 *
 * <ul>
 *   <li>{@code system/init}: the native session id, carried by every later event;
 *   <li>assistant messages: an item per message id, started at its first sign ({@code
 *       stream_event message_start} or its first {@code assistant} line), text deltas from the
 *       partial stream (or each text block whole when there is none), completed with its text and
 *       reasoning parts when the next message starts, a tool result arrives or the turn ends;
 *   <li>{@code tool_use} blocks: a tool call item (child of its message); {@code tool_result}
 *       blocks of {@code user} lines: a tool result item, failed when {@code is_error};
 *   <li>{@code control_request can_use_tool}: {@code permission.requested}, or {@code
 *       question.requested} for the {@code AskUserQuestion} tool — the id is Claude's request id;
 *   <li>{@code system/permission_denied} and {@code system/status}: status items;
 *   <li>{@code result}: a {@code turn.completed} status item whose detail holds duration, cost and
 *       usage, preceded by an {@code error} for error results;
 *   <li>anything else: {@code agent.unparsed}; housekeeping lines ({@code control_response},
 *       {@code keep_alive}, hook and rate-limit notices) yield nothing.
 * </ul>
 */
public final class ClaudeTranslator extends JsonLineTranslator {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String idPrefix;
  /** Open assistant messages by id, in start order. */
  private final Map<String, OpenMessage> open = new LinkedHashMap<>();
  private int statusCounter;

  /** A translator whose own item ids are unique within one process. */
  public ClaudeTranslator() {
    this("");
  }

  /**
   * A translator whose own item ids (status items) start with {@code idPrefix}, so that the
   * translators of successive processes of one session never reuse an id.
   */
  public ClaudeTranslator(String idPrefix) {
    super("claude");
    this.idPrefix = idPrefix;
  }

  private static final class OpenMessage {
    final StringBuilder text = new StringBuilder();
    final List<ContentPart> reasoning = new ArrayList<>();
    boolean streamedText;
  }

  @Override
  protected void translate(JsonNode record, List<AgentEvent> out) {
    String type = record.path("type").asText("");
    switch (type) {
      case "system" -> system(record, out);
      case "stream_event" -> streamEvent(record.path("event"), out);
      case "assistant" -> assistant(record.path("message"), out);
      case "user" -> user(record.path("message"), out);
      case "control_request" -> controlRequest(record, out);
      case "result" -> result(record, out);
      case "control_response", "control_cancel_request", "keep_alive", "rate_limit_event" -> { }
      default -> out.add(unparsed("unsupported Claude record type: " + (type.isEmpty() ? "(none)" : type), record));
    }
  }

  private void system(JsonNode record, List<AgentEvent> out) {
    switch (record.path("subtype").asText("")) {
      case "init" -> {
        if (record.path("session_id").isTextual()) {
          nativeSessionId(record.get("session_id").asText());
        }
      }
      case "permission_denied" -> status(out, "permission.denied",
          record.path("tool_name").asText("tool") + ": " + record.path("message").asText(""));
      case "status" -> {
        if (record.path("status").isTextual()) {
          status(out, "claude.status", record.get("status").asText());
        }
      }
      default -> { } // hook progress, compaction notices and the like
    }
  }

  private void streamEvent(JsonNode event, List<AgentEvent> out) {
    switch (event.path("type").asText("")) {
      case "message_start" -> {
        String id = event.path("message").path("id").asText(null);
        if (id != null) {
          start(id, out);
        }
      }
      case "content_block_delta" -> {
        JsonNode delta = event.path("delta");
        if (delta.path("type").asText().equals("text_delta") && !open.isEmpty()) {
          String id = lastOpenId();
          OpenMessage message = open.get(id);
          message.streamedText = true;
          out.add(AgentEvent.of(EventData.ItemDelta.ofNative(id, delta.path("text").asText(""))));
        }
      }
      default -> { } // block boundaries, tool input and thinking deltas arrive whole on assistant lines
    }
  }

  private void assistant(JsonNode message, List<AgentEvent> out) {
    String id = message.path("id").asText(null);
    if (id == null) {
      throw new IllegalArgumentException("assistant record without message id");
    }
    OpenMessage current = open.get(id);
    if (current == null) {
      completeAllBut(null, out);
      current = start(id, out);
    }
    for (JsonNode block : message.path("content")) {
      switch (block.path("type").asText("")) {
        case "text" -> {
          String text = block.path("text").asText("");
          if (!current.streamedText && !text.isEmpty()) {
            out.add(AgentEvent.of(EventData.ItemDelta.ofNative(id, text)));
          }
          current.text.append(text);
        }
        case "thinking" -> current.reasoning.add(
            new ContentPart.Reasoning(block.path("thinking").asText(""), ReasoningVisibility.PUBLIC));
        case "redacted_thinking" -> current.reasoning.add(new ContentPart.Reasoning("", ReasoningVisibility.PRIVATE));
        case "tool_use" -> toolCall(block, id, out);
        default -> { }
      }
    }
  }

  private OpenMessage start(String id, List<AgentEvent> out) {
    OpenMessage existing = open.get(id);
    if (existing != null) {
      return existing;
    }
    OpenMessage message = new OpenMessage();
    open.put(id, message);
    out.add(AgentEvent.of(new EventData.ItemStarted(
        UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(), ItemStatus.IN_PROGRESS))));
    return message;
  }

  private void toolCall(JsonNode block, String messageId, List<AgentEvent> out) {
    String callId = block.path("id").asText("");
    String arguments = block.has("input") ? block.get("input").toString() : "null";
    UniversalItem item = new UniversalItem("", callId, messageId, ItemKind.TOOL_CALL, ItemRole.ASSISTANT,
        List.of(new ContentPart.ToolCall(block.path("name").asText("tool"), arguments, callId)), ItemStatus.IN_PROGRESS);
    out.add(AgentEvent.of(new EventData.ItemStarted(item)));
    out.add(AgentEvent.of(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED))));
  }

  private void user(JsonNode message, List<AgentEvent> out) {
    JsonNode content = message.path("content");
    if (!content.isArray()) {
      return; // the user's own prompt, which the daemon has already recorded
    }
    for (JsonNode block : content) {
      if (!block.path("type").asText().equals("tool_result")) {
        continue;
      }
      completeAllBut(null, out);
      String callId = block.path("tool_use_id").asText("");
      String output = resultText(block.path("content"));
      ItemStatus status = block.path("is_error").asBoolean(false) ? ItemStatus.FAILED : ItemStatus.COMPLETED;
      UniversalItem item = UniversalItem.of(callId + "_result", ItemKind.TOOL_RESULT, ItemRole.TOOL,
          List.of(new ContentPart.ToolResult(callId, output)), ItemStatus.IN_PROGRESS);
      out.add(AgentEvent.of(new EventData.ItemStarted(item)));
      out.add(AgentEvent.of(new EventData.ItemCompleted(item.withStatus(status))));
    }
  }

  private static String resultText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder out = new StringBuilder();
      for (JsonNode part : content) {
        if (part.path("type").asText().equals("text")) {
          out.append(part.path("text").asText(""));
        }
      }
      return out.toString();
    }
    return content.isMissingNode() || content.isNull() ? "" : content.toString();
  }

  private void controlRequest(JsonNode record, List<AgentEvent> out) {
    JsonNode request = record.path("request");
    String requestId = record.path("request_id").asText(null);
    if (requestId == null || !request.path("subtype").asText().equals("can_use_tool")) {
      out.add(unparsed("unsupported control request: " + request.path("subtype").asText("(none)"), record));
      return;
    }
    String tool = request.path("tool_name").asText("tool");
    JsonNode input = request.path("input");
    if (tool.equals("AskUserQuestion") && input.path("questions").isArray() && !input.path("questions").isEmpty()) {
      List<Question> questions = new ArrayList<>();
      input.path("questions").forEach(q -> questions.add(question(q)));
      out.add(AgentEvent.of(EventData.QuestionRequested.of(requestId, questions)));
      return;
    }
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("tool", tool);
    metadata.set("input", input);
    copy(request, metadata, "description");
    copy(request, metadata, "blocked_path");
    copy(request, metadata, "decision_reason");
    copy(request, metadata, "permission_suggestions");
    copy(request, metadata, "tool_use_id");
    out.add(AgentEvent.of(new EventData.PermissionRequested(requestId, tool, metadata)));
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    if (from.has(field) && !from.get(field).isNull()) {
      to.set(field, from.get(field));
    }
  }

  private void result(JsonNode record, List<AgentEvent> out) {
    completeAllBut(null, out);
    if (record.path("is_error").asBoolean(false) || record.path("subtype").asText("").startsWith("error")) {
      String message = record.path("result").asText("");
      if (message.isEmpty() && record.path("errors").isArray()) {
        List<String> errors = new ArrayList<>();
        record.get("errors").forEach(e -> errors.add(e.asText(e.toString())));
        message = String.join("; ", errors);
      }
      if (message.isEmpty()) {
        message = "Claude Code ended the turn with " + record.path("subtype").asText("an error");
      }
      out.add(AgentEvent.of(new EventData.Error(message, "agent_error", null)));
    }
    ObjectNode detail = JSON.createObjectNode();
    copy(record, detail, "subtype");
    copy(record, detail, "num_turns");
    copy(record, detail, "duration_ms");
    copy(record, detail, "duration_api_ms");
    copy(record, detail, "total_cost_usd");
    copy(record, detail, "usage");
    copy(record, detail, "stop_reason");
    status(out, "turn.completed", detail.toString(), anthropicUsage(record));
  }

  private void status(List<AgentEvent> out, String label, String detail) {
    status(out, label, detail, null);
  }

  private void status(List<AgentEvent> out, String label, String detail, Usage usage) {
    out.addAll(AgentEvent.startedAndCompleted(
        UniversalItem.status("claude_" + idPrefix + "status_" + (++statusCounter), label, detail, usage),
        ItemStatus.COMPLETED));
  }

  /** Completes every open message except {@code keep}. */
  private void completeAllBut(String keep, List<AgentEvent> out) {
    for (String id : List.copyOf(open.keySet())) {
      if (!id.equals(keep)) {
        complete(id, ItemStatus.COMPLETED, out);
      }
    }
  }

  private void complete(String id, ItemStatus status, List<AgentEvent> out) {
    OpenMessage message = open.remove(id);
    List<ContentPart> parts = new ArrayList<>(message.reasoning);
    parts.add(new ContentPart.Text(message.text.toString()));
    out.add(AgentEvent.of(new EventData.ItemCompleted(
        UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, status))));
  }

  private String lastOpenId() {
    String last = null;
    for (String id : open.keySet()) {
      last = id;
    }
    return last;
  }

  @Override
  protected void finish(ExitStatus status, List<AgentEvent> out) {
    for (String id : List.copyOf(open.keySet())) {
      complete(id, status.success() ? ItemStatus.COMPLETED : ItemStatus.FAILED, out);
    }
    if (!status.success()) {
      out.add(AgentEvent.processExit(status.summary("Claude Code"), status));
    }
  }
}
