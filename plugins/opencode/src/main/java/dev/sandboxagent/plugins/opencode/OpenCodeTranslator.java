package dev.sandboxagent.plugins.opencode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.support.JsonLineTranslator;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.FileAction;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.Question;
import dev.sandboxagent.api.event.ReasoningVisibility;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.event.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates the events of one OpenCode session (the JSON payloads of {@code opencode serve}'s
 * {@code /event} stream, routed by session id) into universal events. Pure and deterministic.
 *
 * <ul>
 *   <li>text and reasoning parts: one item per part, with the role of their message (a user's own
 *       prompt is a user item), streamed by {@code message.part.delta} and completed when the part
 *       ends or the session goes idle;
 *   <li>tool parts: a tool call item when first seen, then its result (failed on {@code error});
 *   <li>file and patch parts: file references; step-finish: a status item with tokens and cost;
 *   <li>{@code permission.asked}/{@code question.asked}: permission and question requests;
 *   <li>{@code session.idle}: a {@code session.idle} status item, which ends the turn;
 *       {@code session.error}: an {@code error} event;
 *   <li>known noise (status, diffs, plugin and catalog notices…): nothing; the rest:
 *       {@code agent.unparsed}.
 * </ul>
 */
public final class OpenCodeTranslator extends JsonLineTranslator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> IGNORED = Set.of("server.connected", "server.heartbeat", "session.created",
      "session.updated", "session.deleted", "session.diff", "session.status", "session.compacted", "plugin.added",
      "catalog.updated", "reference.updated", "integration.updated", "permission.replied", "question.replied",
      "question.rejected", "file.edited", "file.watcher.updated", "lsp.updated", "lsp.client.diagnostics",
      "installation.updated", "installation.update-available", "todo.updated", "message.removed",
      "message.part.removed", "vcs.branch.updated", "project.updated", "command.executed", "tui.toast.show");

  private final String prefix;
  private final Map<String, ItemRole> roles = new HashMap<>();
  /** Open text and reasoning parts: id → (message id, kind). */
  private final Map<String, OpenPart> open = new LinkedHashMap<>();
  private final Map<String, String> toolState = new HashMap<>();
  /** How to show the file parts the daemon sent for attachments, by URL (the newest few kept). */
  private final Map<String, ContentPart> shownFiles = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ContentPart> eldest) {
      return size() > 64;
    }
  };
  private int statusCounter;
  /** The usage of the turn's steps by part id (a part may be reported more than once). */
  private final Map<String, Usage> turnUsage = new LinkedHashMap<>();

  private record OpenPart(String messageId, boolean reasoning, ItemRole role, StringBuilder text) {}

  /** A translator whose own status item ids start with {@code opencode_<prefix>}. */
  public OpenCodeTranslator(String prefix) {
    super("opencode");
    this.prefix = prefix;
  }
  /**
   * Shows file parts with these URLs as the given parts: an attachment by its name, not by its
   * absolute path or data URL.
   */
  public void showFilesAs(Map<String, ContentPart> parts) {
    shownFiles.putAll(parts);
  }


  @Override
  protected void translate(JsonNode event, List<AgentEvent> out) {
    String type = event.path("type").asText("");
    JsonNode p = event.path("properties");
    if (nativeSessionId() == null && p.path("sessionID").isTextual()) {
      nativeSessionId(p.get("sessionID").asText());
    }
    if (IGNORED.contains(type)) {
      return;
    }
    switch (type) {
      case "message.updated" -> {
        JsonNode info = p.path("info");
        String role = info.path("role").asText("");
        if (info.path("id").isTextual() && !role.isEmpty()) {
          roles.put(info.get("id").asText(), role.equals("user") ? ItemRole.USER : ItemRole.ASSISTANT);
        }
        if (info.path("error").isObject()) {
          out.add(AgentEvent.of(new EventData.Error(errorMessage(info.get("error")), "opencode", info.get("error"))));
        }
      }
      case "message.part.updated" -> part(p.path("part"), out);
      case "message.part.delta" -> {
        String partId = p.path("partID").asText("");
        String delta = p.path("delta").asText("");
        OpenPart part = open.get(partId);
        if (part != null && !delta.isEmpty() && p.path("field").asText("text").equals("text")) {
          part.text().append(delta);
          out.add(AgentEvent.of(EventData.ItemDelta.ofNative(partId, delta)));
        }
      }
      case "session.idle" -> {
        completeOpen(out);
        status(out, "session.idle", null, turnUsage.values().stream().reduce(Usage.NONE, Usage::plus));
        turnUsage.clear();
      }
      case "session.error" -> {
        completeOpen(out);
        JsonNode error = p.path("error");
        out.add(AgentEvent.of(new EventData.Error(errorMessage(error), "opencode", error)));
      }
      case "permission.asked", "permission.updated" -> out.add(AgentEvent.of(new EventData.PermissionRequested(
          p.path("id").asText(""), p.path("permission").asText(p.path("type").asText("permission")), p)));
      case "question.asked" -> {
        List<Question> questions = new ArrayList<>();
        p.path("questions").forEach(q -> questions.add(question(q)));
        out.add(AgentEvent.of(questions.isEmpty()
            ? new EventData.QuestionRequested(p.path("id").asText(""), "", List.of())
            : EventData.QuestionRequested.of(p.path("id").asText(""), questions)));
      }
      default -> out.add(unparsed("unsupported OpenCode event: " + (type.isEmpty() ? "(none)" : type), event));
    }
  }

  private static String errorMessage(JsonNode error) {
    String message = error.path("data").path("message").asText("");
    if (message.isEmpty()) {
      message = error.path("message").asText(error.path("name").asText("OpenCode reported an error"));
    }
    return message;
  }

  private void part(JsonNode part, List<AgentEvent> out) {
    String id = part.path("id").asText("");
    String messageId = part.path("messageID").asText("");
    ItemRole role = roles.getOrDefault(messageId, ItemRole.ASSISTANT);
    switch (part.path("type").asText("")) {
      case "text", "reasoning" -> {
        boolean reasoning = part.path("type").asText().equals("reasoning");
        String text = part.path("text").asText("");
        OpenPart current = open.get(id);
        boolean ended = part.path("time").path("end").isNumber() || role == ItemRole.USER;
        if (current == null) {
          if (toolState.containsKey("done:" + id)) {
            return; // already completed; a late repeat
          }
          current = new OpenPart(messageId, reasoning, role, new StringBuilder());
          open.put(id, current);
          out.add(AgentEvent.of(new EventData.ItemStarted(
              UniversalItem.of(id, ItemKind.MESSAGE, role, List.of(), ItemStatus.IN_PROGRESS))));
        }
        if (text.length() > current.text().length() && text.startsWith(current.text().toString())) {
          String missing = text.substring(current.text().length());
          current.text().append(missing);
          out.add(AgentEvent.of(EventData.ItemDelta.ofNative(id, missing)));
        }
        if (ended) {
          complete(id, out);
        }
      }
      case "tool" -> {
        String callId = part.path("callID").asText(id);
        JsonNode state = part.path("state");
        String status = state.path("status").asText("");
        UniversalItem call = new UniversalItem("", callId, messageId, ItemKind.TOOL_CALL, ItemRole.ASSISTANT,
            List.of(new ContentPart.ToolCall(part.path("tool").asText("tool"), state.path("input").toString(), callId)),
            ItemStatus.IN_PROGRESS);
        if (!toolState.containsKey(callId)) {
          // pending: the input may still be streaming in; it is complete once the tool runs
          toolState.put(callId, "started");
          out.add(AgentEvent.of(new EventData.ItemStarted(call)));
        }
        if (!status.equals("pending") && "started".equals(toolState.get(callId))) {
          toolState.put(callId, "called");
          out.add(AgentEvent.of(new EventData.ItemCompleted(call.withStatus(ItemStatus.COMPLETED))));
        }
        if ((status.equals("completed") || status.equals("error")) && !"done".equals(toolState.get(callId))) {
          toolState.put(callId, "done");
          List<ContentPart> content = new ArrayList<>();
          content.add(new ContentPart.ToolResult(callId,
              status.equals("error") ? state.path("error").asText("") : state.path("output").asText("")));
          state.path("attachments").forEach(a -> content.add(new ContentPart.FileRef(a.path("url").asText(""),
              FileAction.READ, null)));
          UniversalItem result = new UniversalItem("", callId + "_result", messageId, ItemKind.TOOL_RESULT, ItemRole.TOOL,
              content, ItemStatus.IN_PROGRESS);
          out.add(AgentEvent.of(new EventData.ItemStarted(result)));
          out.add(AgentEvent.of(new EventData.ItemCompleted(
              result.withStatus(status.equals("error") ? ItemStatus.FAILED : ItemStatus.COMPLETED))));
        }
      }
      case "file" -> {
        String url = part.path("url").asText(part.path("filename").asText(""));
        ContentPart shown = shownFiles.get(url);
        UniversalItem file = UniversalItem.of(id, ItemKind.MESSAGE, role,
            List.of(shown != null ? shown : new ContentPart.FileRef(url, FileAction.READ, null)), ItemStatus.IN_PROGRESS);
        out.add(AgentEvent.of(new EventData.ItemStarted(file)));
        out.add(AgentEvent.of(new EventData.ItemCompleted(file.withStatus(ItemStatus.COMPLETED))));
      }
      case "patch" -> {
        List<ContentPart> files = new ArrayList<>();
        part.path("files").forEach(f -> files.add(new ContentPart.FileRef(f.asText(""), FileAction.PATCH, null)));
        UniversalItem patch = UniversalItem.of(id, ItemKind.TOOL_RESULT, ItemRole.TOOL, files, ItemStatus.IN_PROGRESS);
        out.add(AgentEvent.of(new EventData.ItemStarted(patch)));
        out.add(AgentEvent.of(new EventData.ItemCompleted(patch.withStatus(ItemStatus.COMPLETED))));
      }
      case "step-finish" -> {
        turnUsage.put(id, usage(part));
        var detail = JSON.createObjectNode();
        detail.set("reason", part.path("reason"));
        detail.set("tokens", part.path("tokens"));
        detail.set("cost", part.path("cost"));
        status(out, "step.finished", detail.toString());
      }
      default -> { } // step-start, snapshots, agents, retries, compaction: no client-visible content
    }
  }

  private void complete(String id, List<AgentEvent> out) {
    OpenPart part = open.remove(id);
    toolState.put("done:" + id, "done");
    ContentPart content = part.reasoning()
        ? new ContentPart.Reasoning(part.text().toString(), ReasoningVisibility.PUBLIC)
        : new ContentPart.Text(part.text().toString());
    out.add(AgentEvent.of(new EventData.ItemCompleted(
        UniversalItem.of(id, ItemKind.MESSAGE, part.role(), List.of(content), ItemStatus.COMPLETED))));
  }

  private void completeOpen(List<AgentEvent> out) {
    for (String id : List.copyOf(open.keySet())) {
      complete(id, out);
    }
  }

  private void status(List<AgentEvent> out, String label, String detail) {
    status(out, label, detail, null);
  }

  private void status(List<AgentEvent> out, String label, String detail, Usage usage) {
    out.addAll(AgentEvent.startedAndCompleted(
        UniversalItem.status("opencode_" + prefix + "status_" + (++statusCounter), label, detail, usage),
        ItemStatus.COMPLETED));
  }

  /** A step's tokens and cost; its reasoning tokens count as output. */
  private static Usage usage(JsonNode step) {
    JsonNode tokens = step.path("tokens");
    JsonNode cost = step.path("cost");
    Usage reasoning = new Usage(null, count(tokens, "reasoning"), null, null, null, null);
    return new Usage(count(tokens, "input"), count(tokens, "output"), count(tokens.path("cache"), "read"),
        count(tokens.path("cache"), "write"), cost.isNumber() ? cost.asDouble() : null, null).plus(reasoning);
  }


  /** The server stopped: open parts fail and an {@code error} says why. */
  @Override
  protected void finish(ExitStatus status, List<AgentEvent> out) {
    for (Map.Entry<String, OpenPart> e : open.entrySet()) {
      out.add(AgentEvent.synthetic(new EventData.ItemCompleted(UniversalItem.of(e.getKey(), ItemKind.MESSAGE,
          e.getValue().role(), List.of(new ContentPart.Text(e.getValue().text().toString())), ItemStatus.FAILED))));
    }
    open.clear();
    if (!status.success()) {
      out.add(AgentEvent.processExit(status.summary("opencode server"), status));
    }
  }
}
