package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A candidate event produced by an adapter or translator, before the host's normalizer assigns
 * item ids, sequence, time and envelope.
 *
 * @param data the payload
 * @param synthetic whether the event is fabricated rather than derived from agent output
 * @param nativeSessionId the agent's session id if this event carries one, else null
 * @param raw the native payload that produced it, or null
 */
public record AgentEvent(EventData data, boolean synthetic, String nativeSessionId, Object raw) {

  /** Validates the candidate. */
  public AgentEvent {
    requireNonNull(data, "data is null");
  }

  /** An event derived from agent output. */
  public static AgentEvent of(EventData data) {
    return new AgentEvent(data, false, null, null);
  }

  /** An event fabricated by the adapter or daemon. */
  public static AgentEvent synthetic(EventData data) {
    return new AgentEvent(data, true, null, null);
  }

  /**
   * An item that starts and ends at once (a tool call seen whole, a status notice): its {@code
   * item.started} in progress, then its {@code item.completed} with {@code status}.
   */
  public static List<AgentEvent> startedAndCompleted(UniversalItem item, ItemStatus status) {
    return List.of(of(new EventData.ItemStarted(item.withStatus(ItemStatus.IN_PROGRESS))),
        of(new EventData.ItemCompleted(item.withStatus(status))));
  }

  /**
   * The {@code error} of a process that ended before its time: type {@code process_exit}, {@code
   * message}, and the exit code and stderr tail as details.
   *
   * @since 1.2
   */
  public static AgentEvent processExit(String message, ExitStatus status) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("exitCode", status.exitCode());
    details.put("stderr", status.stderrTail());
    return synthetic(new EventData.Error(message, "process_exit", details));
  }

  /** Returns a copy carrying this native payload. */
  public AgentEvent withRaw(Object newRaw) {
    return new AgentEvent(data, synthetic, nativeSessionId, newRaw);
  }

  /** Returns a copy carrying this native session id. */
  public AgentEvent withNativeSessionId(String id) {
    return new AgentEvent(data, synthetic, id, raw);
  }

  /** Returns the event type. */
  public EventType type() {
    return data.type();
  }
}
