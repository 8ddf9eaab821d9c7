package dev.sandboxagent.plugins.codex;

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
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.event.Usage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates the {@code codex app-server} messages of one thread (notifications and server
 * requests, one JSON object per line) into universal events. Pure and deterministic; responses to
 * the client's own requests yield nothing.
 *
 * <ul>
 *   <li>{@code item/started}/{@code item/completed}: the ThreadItem as an item (user and agent
 *       messages, reasoning, command executions and file changes as tool results, MCP and web-search
 *       tool calls), keyed by its id;
 *   <li>{@code item/*}{@code /delta} notifications: deltas of their item;
 *   <li>{@code turn/started}, {@code turn/completed} (ends the turn), token usage, plan and diff
 *       updates, compaction: status items;
 *   <li>{@code error}: an {@code error} event (with {@code willRetry});
 *   <li>approval requests: {@code permission.requested} whose id is the JSON-RPC request id;
 *   <li>known housekeeping ({@code thread/status/changed}, rate limits, remote-control status…):
 *       nothing; anything else: {@code agent.unparsed}.
 * </ul>
 */
public final class CodexTranslator extends JsonLineTranslator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> IGNORED = Set.of("thread/status/changed", "account/rateLimits/updated",
      "remoteControl/status/changed", "serverRequest/resolved", "thread/started", "thread/name/updated",
      "mcpServer/startupStatus/updated", "account/updated", "sessionConfigured", "loginChatGptComplete",
      "authStatusChange", "item/reasoning/summaryPartAdded", "rawResponseItem/completed");
  private static final Map<String, String> STATUS_LABELS = Map.of(
      "thread/compacted", "thread.compacted",
      "thread/tokenUsage/updated", "thread.token_usage.updated",
      "turn/diff/updated", "turn.diff.updated",
      "turn/plan/updated", "turn.plan.updated",
      "item/mcpToolCall/progress", "mcp.progress");
  private static final Set<String> DELTAS = Set.of("item/agentMessage/delta", "item/reasoning/textDelta",
      "item/reasoning/summaryTextDelta", "item/commandExecution/outputDelta", "item/fileChange/outputDelta");

  private final String prefix;
  private int statusCounter;
  /** The usage of the model calls of the turn so far (each token-usage update reports its last call). */
  private Usage turnUsage = Usage.NONE;
  private final Map<String, String> openItems = new LinkedHashMap<>();
  /** How to show input items the daemon sent for attachments, by {@link #inputKey}. */
  private final Map<String, ContentPart> shownInputs = new LinkedHashMap<>();

  /** A translator whose own status item ids start with {@code codex_<prefix>}. */
  public CodexTranslator(String prefix) {
    super("codex");
    this.prefix = prefix;
  }

  /**
   * Shows the user's input items with these keys as the given parts (an attachment by its name,
   * not by its absolute path, data URL or inlined content), until the user item that holds them
   * completes.
   */
  public void showInputsAs(Map<String, ContentPart> parts) {
    shownInputs.putAll(parts);
  }

  /** The key of a user input item for {@link #showInputsAs}: its type and its path, URL or text. */
  public static String inputKey(JsonNode input) {
    String type = input.path("type").asText("");
    String value = switch (type) {
      case "localImage", "local_image" -> input.path("path").asText("");
      case "image" -> input.path("url").asText(input.path("image_url").asText(""));
      default -> input.path("text").asText("");
    };
    return (type.equals("local_image") ? "localImage" : type) + "\0" + value;
  }

  private ContentPart shown(JsonNode input, ContentPart otherwise) {
    return shownInputs.getOrDefault(inputKey(input), otherwise);
  }

  @Override
  protected void translate(JsonNode message, List<AgentEvent> out) {
    String method = message.path("method").asText(null);
    JsonNode params = message.path("params");
    if (method == null) {
      if (message.has("id") && (message.has("result") || message.has("error"))) {
        JsonNode thread = message.path("result").path("thread");
        if (thread.path("id").isTextual() && nativeSessionId() == null) {
          nativeSessionId(thread.get("id").asText());
        }
        return; // a response to the client's own request
      }
      out.add(unparsed("neither a request, a notification nor a response", message));
      return;
    }
    if (params.path("threadId").isTextual() && nativeSessionId() == null) {
      nativeSessionId(params.get("threadId").asText());
    }
    if (message.has("id")) {
      serverRequest(method, message.get("id"), params, out);
      return;
    }
    if (IGNORED.contains(method)) {
      return;
    }
    if (DELTAS.contains(method)) {
      String delta = params.path("delta").asText("");
      if (!delta.isEmpty()) {
        out.add(AgentEvent.of(EventData.ItemDelta.ofNative(params.path("itemId").asText(""), delta)));
      }
      return;
    }
    if (STATUS_LABELS.containsKey(method)) {
      if (STATUS_LABELS.get(method).equals("thread.token_usage.updated")) {
        turnUsage = turnUsage.plus(usage(params.path("tokenUsage").path("last")));
      }
      status(out, STATUS_LABELS.get(method), params.toString());
      return;
    }
    switch (method) {
      case "turn/started" -> status(out, "turn.started", params.path("turn").toString());
      case "turn/completed" -> {
        for (String id : List.copyOf(openItems.keySet())) {
          openItems.remove(id);
        }
        JsonNode turn = params.path("turn");
        if (turn.path("error").isObject()) {
          out.add(AgentEvent.of(new EventData.Error(turn.path("error").path("message").asText("the turn failed"),
              "turn_failed", turn.get("error"))));
        }
        status(out, "turn.completed", turn.toString(), turnUsage);
        turnUsage = Usage.NONE;
      }
      case "item/started" -> item(params.path("item"), ItemStatus.IN_PROGRESS, out);
      case "item/completed" -> item(params.path("item"), ItemStatus.COMPLETED, out);
      case "item/commandExecution/terminalInteraction" -> {
        String stdin = params.path("stdin").asText("");
        if (!stdin.isEmpty()) {
          out.add(AgentEvent.of(EventData.ItemDelta.ofNative(params.path("itemId").asText(""), stdin)));
        }
      }
      case "error" -> {
        JsonNode error = params.path("error");
        String text = error.path("message").asText(error.isTextual() ? error.asText() : "Codex reported an error");
        out.add(AgentEvent.of(new EventData.Error(text, params.path("willRetry").asBoolean(false) ? "retrying" : null,
            params)));
      }
      default -> out.add(unparsed("unsupported Codex notification: " + method, message));
    }
  }

  /** The kind of permission a server request asks for, or null for a request that asks for none. */
  static String approvalKind(String method) {
    return switch (method) {
      case "item/commandExecution/requestApproval", "execCommandApproval" -> "commandExecution";
      case "item/fileChange/requestApproval", "applyPatchApproval" -> "fileChange";
      default -> null;
    };
  }

  private void serverRequest(String method, JsonNode id, JsonNode params, List<AgentEvent> out) {
    String kind = approvalKind(method);
    if (kind == null) {
      out.add(unparsed("unsupported Codex request: " + method, null));
      return;
    }
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("codexRequestKind", kind);
    metadata.set("codexRequestId", id);
    for (String field : List.of("threadId", "turnId", "itemId", "command", "cwd", "reason", "grantRoot", "changes")) {
      if (params.has(field) && !params.get(field).isNull()) {
        metadata.set(field, params.get(field));
      }
    }
    out.add(AgentEvent.of(new EventData.PermissionRequested(id.isTextual() ? id.asText() : id.toString(), kind,
        metadata)));
  }

  private void item(JsonNode item, ItemStatus status, List<AgentEvent> out) {
    String id = item.path("id").asText("");
    String type = item.path("type").asText("");
    String itemStatus = item.path("status").asText("");
    ItemStatus effective = status == ItemStatus.COMPLETED && (itemStatus.equals("failed") || itemStatus.equals("declined"))
        ? ItemStatus.FAILED : status;
    UniversalItem mapped = switch (type) {
      case "userMessage" -> {
        List<ContentPart> parts = new ArrayList<>();
        for (JsonNode input : item.path("content")) {
          switch (input.path("type").asText("")) {
            case "text" -> parts.add(shown(input, new ContentPart.Text(input.path("text").asText(""))));
            case "image" -> parts.add(shown(input,
                new ContentPart.Image(input.path("url").asText(input.path("image_url").asText("")), null)));
            case "localImage", "local_image" -> parts.add(shown(input, new ContentPart.Image(input.path("path").asText(""), null)));
            default -> parts.add(new ContentPart.Json(input));
          }
        }
        if (status == ItemStatus.COMPLETED) {
          item.path("content").forEach(input -> shownInputs.remove(inputKey(input)));
        }
        yield UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.USER, parts, effective);
      }
      case "agentMessage" -> UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT,
          List.of(new ContentPart.Text(item.path("text").asText(""))), effective);
      case "reasoning" -> {
        List<ContentPart> parts = new ArrayList<>();
        item.path("content").forEach(c -> parts.add(new ContentPart.Reasoning(c.asText(""), ReasoningVisibility.PRIVATE)));
        item.path("summary").forEach(c -> parts.add(new ContentPart.Reasoning(c.asText(""), ReasoningVisibility.PUBLIC)));
        yield UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT, parts, effective);
      }
      case "commandExecution" -> {
        List<ContentPart> parts = new ArrayList<>();
        if (item.hasNonNull("aggregatedOutput")) {
          parts.add(new ContentPart.ToolResult(id, item.get("aggregatedOutput").asText("")));
        }
        ObjectNode detail = JSON.createObjectNode();
        detail.set("command", item.path("command"));
        detail.set("cwd", item.path("cwd"));
        detail.put("status", pascal(itemStatus));
        if (item.hasNonNull("exitCode")) {
          detail.set("exitCode", item.get("exitCode"));
        }
        parts.add(new ContentPart.Json(detail));
        yield UniversalItem.of(id, ItemKind.TOOL_RESULT, ItemRole.TOOL, parts, effective);
      }
      case "fileChange" -> {
        List<ContentPart> parts = new ArrayList<>();
        for (JsonNode change : item.path("changes")) {
          parts.add(new ContentPart.FileRef(change.path("path").asText(""), fileAction(change.path("kind")),
              change.path("diff").isTextual() ? change.get("diff").asText() : null));
        }
        ObjectNode detail = JSON.createObjectNode();
        detail.set("changes", item.path("changes"));
        detail.put("status", pascal(itemStatus));
        parts.add(new ContentPart.Json(detail));
        yield UniversalItem.of(id, ItemKind.TOOL_RESULT, ItemRole.TOOL, parts, effective);
      }
      case "mcpToolCall" -> itemStatus.equals("completed")
          ? UniversalItem.of(id, ItemKind.TOOL_RESULT, ItemRole.TOOL,
              List.of(new ContentPart.ToolResult(id, item.hasNonNull("result") ? item.get("result").toString() : "")),
              effective)
          : itemStatus.equals("failed")
              ? UniversalItem.of(id, ItemKind.TOOL_RESULT, ItemRole.TOOL,
                  List.of(new ContentPart.ToolResult(id, item.path("error").path("message").asText(""))), effective)
              : UniversalItem.of(id, ItemKind.TOOL_CALL, ItemRole.ASSISTANT, List.of(new ContentPart.ToolCall(
                  item.path("server").asText("") + "." + item.path("tool").asText(""),
                  item.path("arguments").toString(), id)), effective);
      case "webSearch" -> UniversalItem.of(id, ItemKind.TOOL_CALL, ItemRole.ASSISTANT,
          List.of(new ContentPart.ToolCall("web_search", item.path("query").asText(""), id)), effective);
      case "imageView" -> UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT,
          List.of(new ContentPart.Image(item.path("path").asText(""), null)), effective);
      default -> UniversalItem.of(id, ItemKind.UNKNOWN, null, List.of(new ContentPart.Json(item)), effective);
    };
    if (status == ItemStatus.IN_PROGRESS) {
      openItems.put(id, type);
      out.add(AgentEvent.of(new EventData.ItemStarted(mapped)));
    } else {
      openItems.remove(id);
      out.add(AgentEvent.of(new EventData.ItemCompleted(mapped)));
    }
  }

  private static dev.sandboxagent.api.event.FileAction fileAction(JsonNode kind) {
    String k = (kind.isObject() ? kind.path("type").asText("") : kind.asText("")).toLowerCase(Locale.ROOT);
    return switch (k) {
      case "add", "create" -> dev.sandboxagent.api.event.FileAction.WRITE;
      default -> dev.sandboxagent.api.event.FileAction.PATCH; // updates and deletions
    };
  }

  private static String pascal(String status) {
    if (status.isEmpty()) {
      return "InProgress";
    }
    return switch (status) {
      case "inProgress" -> "InProgress";
      default -> Character.toUpperCase(status.charAt(0)) + status.substring(1);
    };
  }

  private void status(List<AgentEvent> out, String label, String detail) {
    status(out, label, detail, null);
  }

  private void status(List<AgentEvent> out, String label, String detail, Usage usage) {
    out.addAll(AgentEvent.startedAndCompleted(
        UniversalItem.status("codex_" + prefix + "status_" + (++statusCounter), label, detail, usage),
        ItemStatus.COMPLETED));
  }

  /** Codex's token usage of a call: its input counts cached tokens too, which usage counts apart. */
  private static Usage usage(JsonNode tokens) {
    Long input = count(tokens, "inputTokens");
    Long cached = count(tokens, "cachedInputTokens");
    return new Usage(input == null ? null : input - (cached == null ? 0 : cached), count(tokens, "outputTokens"),
        cached, count(tokens, "cacheWriteInputTokens"), null, null);
  }

  /** The app-server ended: open items fail and an {@code error} says why. */
  @Override
  protected void finish(ExitStatus status, List<AgentEvent> out) {
    if (!openItems.isEmpty() || !status.success()) {
      for (String id : List.copyOf(openItems.keySet())) {
        out.add(AgentEvent.synthetic(new EventData.ItemCompleted(
            UniversalItem.of(id, ItemKind.UNKNOWN, null, List.of(), ItemStatus.FAILED))));
      }
      openItems.clear();
      out.add(AgentEvent.processExit(status.summary("codex app-server"), status));
    }
  }
}
