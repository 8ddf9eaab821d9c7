package dev.sandboxagent.host.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An idempotency key a message to a session was accepted with.
 *
 * @param key the client's key
 * @param fingerprint what identifies the message it came with
 * @param at when the message was accepted
 */
public record StoredIdempotencyKey(String key, String fingerprint, Instant at) {
  public StoredIdempotencyKey {
    requireNonNull(key, "key is null");
    requireNonNull(fingerprint, "fingerprint is null");
    requireNonNull(at, "at is null");
  }
}
