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

  /** Records one candidate event as its own batch. */
  default void emit(AgentEvent event) {
    emit(List.of(event));
  }
}
