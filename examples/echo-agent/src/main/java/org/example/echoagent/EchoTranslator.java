package org.example.echoagent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.support.JsonLineTranslator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns echo-agent's lines into universal events. Pure: it sees only lines and keeps only the state
 * of one stream. Its base does what every JSON-line agent needs (a line that is not a JSON object
 * becomes {@code agent.unparsed}, every event carries its record and the agent's session id), which
 * the test kit's golden files and invariants check.
 */
public final class EchoTranslator extends JsonLineTranslator {

  private final Set<String> open = new HashSet<>();

  /** A translator for one echo-agent process. */
  public EchoTranslator() {
    super("echo-agent stdout");
  }

  @Override
  protected void translate(JsonNode record, List<AgentEvent> out) {
    String id = record.path("id").asText("");
    switch (record.path("type").asText("")) {
      case "ready" -> nativeSessionId(record.path("session").asText(null));
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
      default -> out.add(unparsed("unknown record type: " + record.path("type").asText("(none)"), record));
    }
  }

  @Override
  protected void finish(ExitStatus status, List<AgentEvent> out) {
    for (String id : open) {
      out.add(AgentEvent.synthetic(new EventData.ItemCompleted(message(id, "", ItemStatus.FAILED))));
    }
    open.clear();
    if (!status.success()) {
      String tail = status.stderrTail().strip();
      out.add(AgentEvent.processExit(tail.isEmpty() ? status.summary("echo-agent") : tail, status));
    }
    out.add(AgentEvent.synthetic(new EventData.SessionEnded(
        status.success() ? SessionEndReason.COMPLETED : SessionEndReason.ERROR, TerminatedBy.AGENT)));
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
}
