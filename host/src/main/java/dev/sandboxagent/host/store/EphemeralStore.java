package dev.sandboxagent.host.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The store of {@code --ephemeral}: nothing is kept, nothing is waited for. */
final class EphemeralStore implements SessionStore {

  static final EphemeralStore INSTANCE = new EphemeralStore();

  private EphemeralStore() {}

  @Override
  public List<StoredSession> load() {
    return List.of();
  }

  @Override
  public long create(StoredSession session) {
    return 0;
  }

  @Override
  public long append(String tenant, String id, List<StoredEvent> events) {
    return 0;
  }

  @Override
  public long nativeSessionId(String tenant, String id, String nativeSessionId) {
    return 0;
  }

  @Override
  public long end(String tenant, String id, StoredEnding ending) {
    return 0;
  }

  @Override
  public long delete(String tenant, String id) {
    return 0;
  }

  @Override
  public long idempotencyKey(String tenant, String id, StoredIdempotencyKey key) {
    return 0;
  }

  @Override
  public long expireIdempotencyKeys(Instant before) {
    return 0;
  }

  @Override
  public boolean awaitDurable(long ticket, Duration timeout) {
    return true;
  }

  @Override
  public void close() {}
}
