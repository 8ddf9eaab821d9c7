package dev.sandboxagent.plugins.amp;

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
import dev.sandboxagent.api.event.ReasoningVisibility;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one Amp turn's {@code --stream-json} output (Claude Code-compatible records: {@code
 * system/init} with the thread id, {@code assistant} messages with text, thinking and tool_use
 * blocks, {@code user} tool results, {@code result} with usage or errors) and the older
 * {@code StreamJSONMessage} records ({@code message}, {@code tool_call}, {@code tool_result},
 * {@code error}, {@code done}) into universal events. Pure and deterministic; one per turn, with an
 * id prefix unique in the session.
 *
 * <p>A failed process ends the session: the last events are an {@code error} carrying Amp's own
 * message (its stderr tail) and a synthetic {@code session.ended}, so a client never waits on a turn
 * that cannot happen (no login, no service, an expired key). A process that exits with status 0
 * before its {@code result} (or {@code done}) only has its open items failed: the host ends the turn
 * with an {@code error} then, as for every agent.
 */
public final class AmpTranslator extends JsonLineTranslator {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String prefix;
  private final Map<String, OpenMessage> open = new LinkedHashMap<>();
  private int counter;
  private boolean sawResult;
  private boolean sawDone;

  private static final class OpenMessage {
    final StringBuilder text = new StringBuilder();
    final List<ContentPart> reasoning = new ArrayList<>();
  }

  /** A translator whose generated ids start with {@code amp_<prefix>}. */
  public AmpTranslator(String prefix) {
    super("amp");
    this.prefix = prefix;
  }

  /** The Amp thread id announced by this turn, or null. */
  public String threadId() {
    return nativeSessionId();
  }

  @Override
  protected void translate(JsonNode record, List<AgentEvent> out) {
    String type = record.path("type").asText("");
    switch (type) {
      case "system" -> {
        if (record.path("subtype").asText().equals("init") && record.path("session_id").isTextual()) {
          nativeSessionId(record.get("session_id").asText());
        }
      }
      case "assistant" -> assistant(record.path("message"), out);
      case "user" -> user(record.path("message"), out);
      case "result" -> result(record, out);
      case "message" -> {
        String text = record.path("content").asText("");
        UniversalItem item = UniversalItem.of(idOr(record.path("id"), "message"), ItemKind.MESSAGE,
            ItemRole.ASSISTANT, List.of(new ContentPart.Text(text)), ItemStatus.IN_PROGRESS);
        out.add(AgentEvent.of(new EventData.ItemStarted(item)));
        if (!text.isEmpty()) {
          out.add(AgentEvent.of(EventData.ItemDelta.ofNative(item.nativeItemId(), text)));
        }
        out.add(AgentEvent.of(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED))));
      }
      case "tool_call" -> {
        JsonNode call = record.path("tool_call");
        String id = idOr(call.path("id"), "tool");
        JsonNode args = call.path("arguments");
        toolCall(id, call.path("name").asText("unknown"), args.isTextual() ? args.asText()
            : args.isMissingNode() ? "{}" : args.toString(), null, out);
      }
      case "tool_result" -> {
        String id = idOr(record.path("id"), "tool");
        toolResult(id, record.path("content").asText(""), false, out);
      }
      case "error" -> out.add(AgentEvent.of(new EventData.Error(record.path("error").asText("amp error"), "amp", record)));
      case "done" -> sawDone = true; // the turn's end is the process's exit
      default -> out.add(unparsed("unsupported Amp record type: " + (type.isEmpty() ? "(none)" : type), record));
    }
  }

  private void assistant(JsonNode message, List<AgentEvent> out) {
    String id = message.path("id").asText(null);
    if (id == null) {
      id = nextId("message");
    }
    OpenMessage current = open.get(id);
    if (current == null) {
      completeOpen(ItemStatus.COMPLETED, out);
      current = new OpenMessage();
      open.put(id, current);
      out.add(AgentEvent.of(new EventData.ItemStarted(
          UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(), ItemStatus.IN_PROGRESS))));
    }
    for (JsonNode block : message.path("content")) {
      switch (block.path("type").asText("")) {
        case "text" -> {
          String text = block.path("text").asText("");
          if (!text.isEmpty()) {
            out.add(AgentEvent.of(EventData.ItemDelta.ofNative(id, text)));
            current.text.append(text);
          }
        }
        case "thinking" -> current.reasoning.add(
            new ContentPart.Reasoning(block.path("thinking").asText(""), ReasoningVisibility.PUBLIC));
        case "tool_use" -> toolCall(idOr(block.path("id"), "tool"), block.path("name").asText("unknown"),
            block.has("input") ? block.get("input").toString() : "{}", id, out);
        default -> { }
      }
    }
  }

  private void toolCall(String id, String name, String arguments, String parent, List<AgentEvent> out) {
    UniversalItem item = new UniversalItem("", id, parent, ItemKind.TOOL_CALL, ItemRole.ASSISTANT,
        List.of(new ContentPart.ToolCall(name, arguments, id)), ItemStatus.IN_PROGRESS);
    out.add(AgentEvent.of(new EventData.ItemStarted(item)));
    out.add(AgentEvent.of(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED))));
  }

  private void toolResult(String callId, String output, boolean failed, List<AgentEvent> out) {
    UniversalItem item = UniversalItem.of(callId + "_result", ItemKind.TOOL_RESULT, ItemRole.TOOL,
        List.of(new ContentPart.ToolResult(callId, output)), ItemStatus.IN_PROGRESS);
    out.add(AgentEvent.of(new EventData.ItemStarted(item)));
    out.add(AgentEvent.of(new EventData.ItemCompleted(item.withStatus(failed ? ItemStatus.FAILED : ItemStatus.COMPLETED))));
  }

  private void user(JsonNode message, List<AgentEvent> out) {
    for (JsonNode block : message.path("content")) {
      if (block.path("type").asText().equals("tool_result")) {
        completeOpen(ItemStatus.COMPLETED, out);
        JsonNode content = block.path("content");
        String output;
        if (content.isArray()) {
          StringBuilder text = new StringBuilder();
          content.forEach(part -> text.append(part.path("text").asText("")));
          output = text.toString();
        } else {
          output = content.isTextual() ? content.asText() : content.isMissingNode() ? "" : content.toString();
        }
        toolResult(idOr(block.path("tool_use_id"), "tool"), output, block.path("is_error").asBoolean(false), out);
      }
    }
  }

  private void result(JsonNode record, List<AgentEvent> out) {
    completeOpen(ItemStatus.COMPLETED, out);
    sawResult = true;
    if (record.path("is_error").asBoolean(false) || record.path("subtype").asText("").startsWith("error")) {
      String message = record.path("error").asText(record.path("result").asText(""));
      out.add(AgentEvent.of(new EventData.Error(message.isEmpty() ? "Amp ended the turn with an error" : message,
          "agent_error", null)));
    }
    ObjectNode detail = JSON.createObjectNode();
    for (String field : List.of("subtype", "num_turns", "duration_ms", "usage")) {
      if (record.has(field) && !record.get(field).isNull()) {
        detail.set(field, record.get(field));
      }
    }
    UniversalItem item = UniversalItem.of("amp_" + prefix + "turn", ItemKind.STATUS, ItemRole.SYSTEM,
        List.of(new ContentPart.Status("turn.completed", detail.toString(), anthropicUsage(record))),
        ItemStatus.IN_PROGRESS);
    out.add(AgentEvent.of(new EventData.ItemStarted(item)));
    out.add(AgentEvent.of(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED))));
  }

  private void completeOpen(ItemStatus status, List<AgentEvent> out) {
    for (Map.Entry<String, OpenMessage> entry : open.entrySet()) {
      List<ContentPart> parts = new ArrayList<>(entry.getValue().reasoning);
      parts.add(new ContentPart.Text(entry.getValue().text.toString()));
      out.add(AgentEvent.of(new EventData.ItemCompleted(
          UniversalItem.of(entry.getKey(), ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, status))));
    }
    open.clear();
  }

  private String idOr(JsonNode id, String kind) {
    return id.isTextual() && !id.asText().isEmpty() ? id.asText() : nextId(kind);
  }

  private String nextId(String kind) {
    return "amp_" + prefix + kind + "_" + (++counter);
  }

  @Override
  protected void finish(ExitStatus status, List<AgentEvent> out) {
    boolean ended = sawResult || sawDone;
    completeOpen(status.success() && ended ? ItemStatus.COMPLETED : ItemStatus.FAILED, out);
    if (!status.success()) {
      String tail = status.stderrTail().strip();
      out.add(AgentEvent.processExit(tail.isEmpty() ? status.summary("Amp") : tail, status));
      out.add(AgentEvent.synthetic(new EventData.SessionEnded(SessionEndReason.ERROR, TerminatedBy.AGENT)));
    } else if (ended && !sawResult) {
      UniversalItem item = UniversalItem.of("amp_" + prefix + "turn", ItemKind.STATUS, ItemRole.SYSTEM,
          List.of(new ContentPart.Status("turn.completed", "{}")), ItemStatus.IN_PROGRESS);
      out.add(AgentEvent.synthetic(new EventData.ItemStarted(item)));
      out.add(AgentEvent.synthetic(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED))));
    }
  }
}
