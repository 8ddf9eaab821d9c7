package dev.sandboxagent.host.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where sessions and their events are kept beyond the daemon's memory. Writes are queued and
 * return at once with a ticket; {@link #awaitDurable} waits until a ticket's write is committed.
 * Writes of one store are applied in the order they were made.
 */
public interface SessionStore extends AutoCloseable {

  /** The store of {@code --ephemeral}: keeps nothing, every write is durable at once. */
  static SessionStore ephemeral() {
    return EphemeralStore.INSTANCE;
  }

  /** Every stored session with its events, in the order they were created. */
  List<StoredSession> load();

  /** Whether the store writes what it is given; the ephemeral store always does. */
  default StoreStatus status() {
    return StoreStatus.WRITING;
  }

  /** Whether the store is open: its database read and not closed; the ephemeral store always is. */
  default boolean isOpen() {
    return true;
  }

  /** Stores a new session (its events follow with {@link #append}). */
  long create(StoredSession session);

  /** Stores events of a session; their sequences continue what is stored. */
  long append(String tenant, String id, List<StoredEvent> events);

  /** Stores the agent's own session id once it is known. */
  long nativeSessionId(String tenant, String id, String nativeSessionId);

  /** Stores how a session ended. */
  long end(String tenant, String id, StoredEnding ending);

  /** Removes a session, its events and its idempotency keys. */
  long delete(String tenant, String id);

  /** Stores the idempotency key a message to a session was accepted with. */
  long idempotencyKey(String tenant, String id, StoredIdempotencyKey key);

  /** Removes the idempotency keys of every session accepted before {@code before}. */
  long expireIdempotencyKeys(Instant before);

  /**
   * Waits until the write with this ticket (and every one before it) is committed. Returns false
   * when it is not within {@code timeout}, or at once while the store cannot write (the daemon
   * goes on serving from memory and the store catches up later).
   */
  boolean awaitDurable(long ticket, Duration timeout) throws InterruptedException;

  /** Writes what is queued and releases the store. */
  @Override
  void close();
}
