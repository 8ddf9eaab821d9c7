package dev.sandboxagent.client;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.UniversalEvent;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A finished turn: its events in order, and the text of its last completed assistant message.
 *
 * @param events every event of the turn, the user's message first
 * @param text the text parts of the last completed assistant message, joined; empty when there was none
 */
public record TurnResult(List<UniversalEvent> events, String text) {

  /** Copies the events. */
  public TurnResult {
    events = List.copyOf(events);
    requireNonNull(text, "text is null");
  }

  static TurnResult of(List<UniversalEvent> events) {
    String text = "";
    for (UniversalEvent e : events) {
      if (e.data() instanceof EventData.ItemCompleted c && c.item().kind() == ItemKind.MESSAGE
          && c.item().role() == ItemRole.ASSISTANT) {
        text = c.item().content().stream().filter(ContentPart.Text.class::isInstance)
            .map(p -> ((ContentPart.Text) p).text()).collect(Collectors.joining());
      }
    }
    return new TurnResult(events, text);
  }

  /** The event that ended the turn. */
  public UniversalEvent last() {
    return events.getLast();
  }

  /** Whether the session ended during the turn (terminated, or the agent stopped). */
  public boolean sessionEnded() {
    return events.stream().anyMatch(e -> e.type() == EventType.SESSION_ENDED);
  }

  /** The turn's error event, if it ended with one. */
  public Optional<EventData.Error> error() {
    return last().data() instanceof EventData.Error e ? Optional.of(e) : Optional.empty();
  }
}
