package dev.sandboxagent.api.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A recorded event as clients see it: the envelope assigned by the host (id, sequence, time) around
 * a payload. The wire {@code type} is derived from the payload ({@link EventData#type()}).
 *
 * @param eventId {@code evt_<sequence>}
 * @param sequence per-session sequence, from 1, without gaps
 * @param time UTC RFC 3339 recording time
 * @param sessionId the client's session id
 * @param nativeSessionId the agent's session id as known when recorded, or null
 * @param synthetic whether the daemon fabricated the event
 * @param source {@code daemon} exactly when synthetic
 * @param data the payload
 * @param raw the native payload, or null
 */
@JsonPropertyOrder({
  "event_id", "sequence", "time", "session_id", "native_session_id", "synthetic", "source", "type",
  "data", "raw"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UniversalEvent(
    @JsonProperty("event_id") String eventId,
    long sequence,
    String time,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("native_session_id") String nativeSessionId,
    boolean synthetic,
    EventSource source,
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXTERNAL_PROPERTY, property = "type")
        @JsonSubTypes({
          @JsonSubTypes.Type(value = EventData.SessionStarted.class, name = "session.started"),
          @JsonSubTypes.Type(value = EventData.SessionEnded.class, name = "session.ended"),
          @JsonSubTypes.Type(value = EventData.ItemStarted.class, name = "item.started"),
          @JsonSubTypes.Type(value = EventData.ItemDelta.class, name = "item.delta"),
          @JsonSubTypes.Type(value = EventData.ItemCompleted.class, name = "item.completed"),
          @JsonSubTypes.Type(value = EventData.Error.class, name = "error"),
          @JsonSubTypes.Type(value = EventData.PermissionRequested.class, name = "permission.requested"),
          @JsonSubTypes.Type(value = EventData.PermissionResolved.class, name = "permission.resolved"),
          @JsonSubTypes.Type(value = EventData.QuestionRequested.class, name = "question.requested"),
          @JsonSubTypes.Type(value = EventData.QuestionResolved.class, name = "question.resolved"),
          @JsonSubTypes.Type(value = EventData.AgentUnparsed.class, name = "agent.unparsed")
        })
        EventData data,
    Object raw) {

  /** Validates the envelope. */
  public UniversalEvent {
    requireNonNull(eventId, "eventId is null");
    requireNonNull(time, "time is null");
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(source, "source is null");
    requireNonNull(data, "data is null");
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be >= 1: " + sequence);
    }
    if (synthetic != (source == EventSource.DAEMON)) {
      throw new IllegalArgumentException("source must be daemon exactly when synthetic");
    }
  }

  /** Returns the event type (the wire {@code type}). */
  @JsonIgnore
  public EventType type() {
    return data.type();
  }

  /** Returns a copy whose {@code raw} is null, as read paths serve it unless raw was asked for. */
  public UniversalEvent withoutRaw() {
    return raw == null
        ? this
        : new UniversalEvent(eventId, sequence, time, sessionId, nativeSessionId, synthetic, source, data, null);
  }
}
