package dev.sandboxagent.host.store;

import static java.util.Objects.requireNonNull;

/**
 * One recorded event as stored.
 *
 * @param sequence the event's sequence in its session
 * @param json the event's JSON without its raw payload
 * @param jsonWithRaw the event's JSON with its raw payload (the same array when it has none)
 */
public record StoredEvent(long sequence, byte[] json, byte[] jsonWithRaw) {
  public StoredEvent {
    requireNonNull(json, "json is null");
    requireNonNull(jsonWithRaw, "jsonWithRaw is null");
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be positive");
    }
  }
}
