package dev.sandboxagent.api;

import java.util.List;

/**
 * Where an adapter's session sends its events. Implemented by the host; safe to call from any
 * thread. Each call is one batch: its events are normalized and recorded atomically and
 * contiguously. Events emitted after the session has ended are discarded.
 */
public interface EventSink {

  /** Records a batch of candidate events. */
  void emit(List<AgentEvent> batch);

  /**
   * Records {@code batch}, whose last event must be a {@code session.ended}, as the session's last
   * and ends the session: its agent cannot go on. The host closes the session and refuses later
   * messages with the message of an {@code error} in the batch (and its {@code details.exitCode},
   * when an integer). The default only records the batch.
   */
  default void end(List<AgentEvent> batch) {
    emit(batch);
  }

  /** Records one candidate event as its own batch. */
  default void emit(AgentEvent event) {
    emit(List.of(event));
  }
}
