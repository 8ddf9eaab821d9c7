package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.Attachment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The idempotency keys a session's messages were accepted with, each for {@link #KEPT}: a message
 * sent again with the same key is answered as the first was and not handed to the agent twice;
 * the same key with another message is refused. Thread-safe.
 */
final class IdempotencyKeys {

  /** How long a key is remembered after its message was accepted. */
  static final Duration KEPT = Duration.ofHours(24);

  /** The longest key accepted. */
  static final int MAX_LENGTH = 255;

  private record Accepted(String fingerprint, Instant at) {}

  private final Map<String, Accepted> keys = new HashMap<>();

  /** Rejects a key that is empty, too long, or holds anything but visible ASCII characters. */
  static void validate(String key) {
    boolean visible = key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    if (key.isEmpty() || key.length() > MAX_LENGTH || !visible) {
      throw SessionException.invalidRequest(
          "Idempotency-Key must be 1 to " + MAX_LENGTH + " visible ASCII characters");
    }
  }

  /** What identifies a message: the SHA-256 of its text, in hex. */
  static String fingerprint(String message, List<Attachment> attachments) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    digest.update(message.getBytes(StandardCharsets.UTF_8));
    // A message without attachments keeps the fingerprint it had before attachments existed.
    for (Attachment attachment : attachments) {
      String header = "\0" + attachment.kind() + "\0" + attachment.name() + "\0" + attachment.mimeType() + "\0";
      digest.update(header.getBytes(StandardCharsets.UTF_8));
      digest.update(attachment.content());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Whether a message with {@code fingerprint} was accepted with {@code key} less than {@link #KEPT}
   * before {@code now}.
   *
   * @throws SessionException when the key was accepted with another message
   */
  synchronized boolean accepted(String sessionId, String key, String fingerprint, Instant now) {
    Accepted earlier = keys.get(key);
    if (earlier == null || !earlier.at().isAfter(now.minus(KEPT))) {
      return false;
    }
    if (!earlier.fingerprint().equals(fingerprint)) {
      throw SessionException.idempotencyKeyReused(sessionId, key);
    }
    return true;
  }

  /** Notes that a message was accepted with {@code key}. */
  synchronized void put(String key, String fingerprint, Instant at) {
    keys.put(requireNonNull(key, "key is null"), new Accepted(requireNonNull(fingerprint, "fingerprint is null"), at));
  }

  /** Forgets the keys accepted before {@code before}. */
  synchronized void expire(Instant before) {
    keys.values().removeIf(a -> a.at().isBefore(before));
  }
}
