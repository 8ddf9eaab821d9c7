package org.example.echoagent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalItem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns echo-agent's lines into universal events. Pure: it sees only lines, keeps only the state of
 * one stream, and never fails (a line it cannot use becomes {@code agent.unparsed}), which the
 * test kit's golden files and invariants check.
 */
public final class EchoTranslator implements EventTranslator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOCATION = "echo-agent stdout";

  private final Set<String> open = new HashSet<>();
  private String session;

  @Override
  public List<AgentEvent> translate(String line) {
    JsonNode record;
    try {
      record = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return List.of(AgentEvent.synthetic(new EventData.AgentUnparsed("invalid JSON", LOCATION)).withRaw(line));
    }
    if (record == null || !record.isObject()) {
      return List.of(AgentEvent.synthetic(new EventData.AgentUnparsed("not a JSON object", LOCATION)).withRaw(line));
    }
    List<AgentEvent> out = new ArrayList<>();
    String id = record.path("id").asText("");
    switch (record.path("type").asText("")) {
      case "ready" -> session = record.path("session").asText(null);
      case "delta" -> {
        startMessage(id, out);
        out.add(AgentEvent.of(EventData.ItemDelta.ofNative(id, record.path("text").asText(""))));
      }
      case "reply" -> {
        String prompt = record.path("request").path("prompt").asText("");
        startMessage(id, out);
        out.add(AgentEvent.of(EventData.ItemDelta.ofNative(id, prompt)));
        open.remove(id);
        out.add(AgentEvent.of(new EventData.ItemCompleted(message(id, "echo: " + prompt, ItemStatus.COMPLETED))));
      }
      case "done" -> out.addAll(AgentEvent.startedAndCompleted(
          UniversalItem.status("turn" + record.path("turn").asText(""), "turn.completed", null), ItemStatus.COMPLETED));
      default -> out.add(AgentEvent.synthetic(new EventData.AgentUnparsed(
          "unknown record type: " + record.path("type").asText("(none)"), LOCATION)));
    }
    return stamp(out, record);
  }

  @Override
  public List<AgentEvent> finish(ExitStatus status) {
    List<AgentEvent> out = new ArrayList<>();
    for (String id : open) {
      out.add(AgentEvent.synthetic(new EventData.ItemCompleted(message(id, "", ItemStatus.FAILED))));
    }
    open.clear();
    if (!status.success()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("exitCode", status.exitCode());
      details.put("stderr", status.stderrTail());
      String tail = status.stderrTail().strip();
      out.add(AgentEvent.synthetic(new EventData.Error(
          tail.isEmpty() ? "echo-agent exited with status " + status.exitCode() : tail, "process_exit", details)));
    }
    out.add(AgentEvent.synthetic(new EventData.SessionEnded(
        status.success() ? SessionEndReason.COMPLETED : SessionEndReason.ERROR, TerminatedBy.AGENT)));
    return stamp(out, null);
  }

  private void startMessage(String id, List<AgentEvent> out) {
    if (open.add(id)) {
      out.add(AgentEvent.of(new EventData.ItemStarted(message(id, "", ItemStatus.IN_PROGRESS))));
    }
  }

  private static UniversalItem message(String id, String text, ItemStatus status) {
    return UniversalItem.of(id, ItemKind.MESSAGE, ItemRole.ASSISTANT,
        text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text)), status);
  }

  private List<AgentEvent> stamp(List<AgentEvent> events, JsonNode raw) {
    List<AgentEvent> out = new ArrayList<>(events.size());
    for (AgentEvent e : events) {
      AgentEvent stamped = session != null ? e.withNativeSessionId(session) : e;
      out.add(raw != null && stamped.raw() == null ? stamped.withRaw(raw) : stamped);
    }
    return out;
  }
}
