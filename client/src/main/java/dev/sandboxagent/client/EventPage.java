package dev.sandboxagent.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandboxagent.api.event.UniversalEvent;
import java.util.List;

/**
 * A page of {@code GET /v1/sessions/{id}/events}.
 *
 * @param events the events, in sequence order
 * @param hasMore whether more events follow the page
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventPage(List<UniversalEvent> events, boolean hasMore) {

  /** Copies the list. */
  public EventPage {
    events = events == null ? List.of() : List.copyOf(events);
  }

  /** The sequence of the page's last event, or {@code after} when it is empty: the next page's offset. */
  public long lastSequence(long after) {
    return events.isEmpty() ? after : events.getLast().sequence();
  }
}
