package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.host.store.SessionStore;
import dev.sandboxagent.host.store.StoredEnding;
import dev.sandboxagent.host.store.StoredEvent;
import dev.sandboxagent.host.store.StoredIdempotencyKey;
import dev.sandboxagent.host.store.StoredSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes one session to the store: its creation, every recorded batch, its native session id once
 * known, its ending. The session calls it under its recording lock, so writes keep the log's order.
 * Remembers its last write, which a message waits for before it is acknowledged.
 */
final class SessionJournal {

  private final SessionStore store;
  private final String tenant;
  private final String id;
  private String storedNativeSessionId;
  private volatile long lastTicket;

  SessionJournal(SessionStore store, String tenant, String id, String storedNativeSessionId) {
    this.store = requireNonNull(store, "store is null");
    this.tenant = requireNonNull(tenant, "tenant is null");
    this.id = requireNonNull(id, "id is null");
    this.storedNativeSessionId = storedNativeSessionId;
  }

  /** Stores a new session. */
  void created(SessionSettings settings, Instant created) {
    lastTicket = store.create(new StoredSession(tenant, id, settings.agent(), settings.agentMode(),
        settings.permissionMode().wireName(), settings.model(), settings.variant(), null, created, null, List.of(),
        List.of()));
  }

  /**
   * Stores a recorded batch, and the agent's session id when it has changed: the latest one the
   * agent's own events carry (an agent may move to a new session id when it resumes), else {@code
   * nativeSessionId}.
   */
  void recorded(List<RecordedEvent> batch, String nativeSessionId) {
    if (!batch.isEmpty()) {
      List<StoredEvent> events = new ArrayList<>(batch.size());
      for (RecordedEvent e : batch) {
        events.add(new StoredEvent(e.sequence(), e.json(false), e.json(true)));
        if (!e.event().synthetic() && e.event().nativeSessionId() != null) {
          nativeSessionId = e.event().nativeSessionId();
        }
      }
      lastTicket = store.append(tenant, id, events);
    }
    if (nativeSessionId != null && !Objects.equals(nativeSessionId, storedNativeSessionId)) {
      storedNativeSessionId = nativeSessionId;
      lastTicket = store.nativeSessionId(tenant, id, nativeSessionId);
    }
  }

  /** Stores how and when the session ended. */
  void ended(Ending ending, Instant at) {
    lastTicket = store.end(tenant, id, new StoredEnding(ending.reason().name(), ending.terminatedBy().name(),
        ending.exitCode(), ending.message(), at));
  }

  /** Stores the idempotency key a message was accepted with. */
  void idempotencyKey(String key, String fingerprint, Instant at) {
    lastTicket = store.idempotencyKey(tenant, id, new StoredIdempotencyKey(key, fingerprint, at));
  }

  /** Removes the session and its events from the store. */
  void deleted() {
    lastTicket = store.delete(tenant, id);
  }

  /** Waits until everything written so far is stored; false if not within the timeout. */
  boolean awaitDurable(Duration timeout) throws InterruptedException {
    return store.awaitDurable(lastTicket, timeout);
  }
}
