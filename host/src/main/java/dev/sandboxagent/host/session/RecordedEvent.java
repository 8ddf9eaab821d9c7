package dev.sandboxagent.host.session;

import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.UniversalEvent;

/**
 * An event in a session's log with its JSON encoded once: {@code json} has {@code raw} set to null
 * (what readers get by default), {@code jsonWithRaw} keeps it (the same array when raw is null).
 */
public record RecordedEvent(UniversalEvent event, byte[] json, byte[] jsonWithRaw) {

  public long sequence() {
    return event.sequence();
  }

  public EventType type() {
    return event.type();
  }

  /** The JSON to serve. */
  public byte[] json(boolean includeRaw) {
    return includeRaw ? jsonWithRaw : json;
  }
}
