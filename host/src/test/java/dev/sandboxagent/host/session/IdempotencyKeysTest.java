package dev.sandboxagent.host.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.api.Attachment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long a key is remembered, and what the same key with another message gets. */
class IdempotencyKeysTest {

  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  @Test
  void aKeyIsRememberedFor24HoursAfterItsMessage() {
    IdempotencyKeys keys = new IdempotencyKeys();
    String hello = IdempotencyKeys.fingerprint("hello", List.of());
    keys.put("k", hello, T0);

    assertThat(keys.accepted("s", "k", hello, T0.plus(Duration.ofHours(24)).minusMillis(1))).isTrue();
    assertThat(keys.accepted("s", "k", hello, T0.plus(Duration.ofHours(24)))).isFalse();
    assertThat(keys.accepted("s", "other", hello, T0)).isFalse();
    // Once forgotten, the key may name another message.
    assertThat(keys.accepted("s", "k", IdempotencyKeys.fingerprint("bye", List.of()), T0.plus(Duration.ofDays(2)))).isFalse();
  }

  @Test
  void theSameKeyWithAnotherMessageIsRefusedWhileItIsRemembered() {
    IdempotencyKeys keys = new IdempotencyKeys();
    keys.put("k", IdempotencyKeys.fingerprint("hello", List.of()), T0);
    assertThatThrownBy(() -> keys.accepted("s", "k", IdempotencyKeys.fingerprint("hello ", List.of()), T0))
        .isInstanceOfSatisfying(SessionException.class, e -> {
          assertThat(e.kind()).isEqualTo(SessionException.Kind.IDEMPOTENCY_KEY_REUSED);
          assertThat(e.idempotencyKey()).isEqualTo("k");
          assertThat(e.sessionId()).isEqualTo("s");
        });
  }

  @Test
  void expiringForgetsOnlyOlderKeys() {
    IdempotencyKeys keys = new IdempotencyKeys();
    String m = IdempotencyKeys.fingerprint("m", List.of());
    keys.put("old", m, T0);
    keys.put("new", m, T0.plusSeconds(10));
    keys.expire(T0.plusSeconds(5));
    assertThat(keys.accepted("s", "old", m, T0.plusSeconds(11))).isFalse();
    assertThat(keys.accepted("s", "new", m, T0.plusSeconds(11))).isTrue();
  }

  @Test
  void attachmentsAreOfTheMessageAndNoneKeepsTheFingerprintOfTheTextAlone() {
    // Keys stored before attachments existed hold the SHA-256 of the text.
    assertThat(IdempotencyKeys.fingerprint("hello", List.of()))
        .isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    Attachment a = new Attachment(Attachment.Kind.FILE, "a.txt", "text/plain", null, new byte[] {'a'});
    Attachment b = new Attachment(Attachment.Kind.FILE, "a.txt", "text/plain", null, new byte[] {'b'});
    Attachment renamed = new Attachment(Attachment.Kind.FILE, "b.txt", "text/plain", null, new byte[] {'a'});
    String withA = IdempotencyKeys.fingerprint("hello", List.of(a));
    assertThat(withA).isNotEqualTo(IdempotencyKeys.fingerprint("hello", List.of()))
        .isNotEqualTo(IdempotencyKeys.fingerprint("hello", List.of(b)))
        .isNotEqualTo(IdempotencyKeys.fingerprint("hello", List.of(renamed)))
        .isEqualTo(IdempotencyKeys.fingerprint("hello", List.of(a)));
  }
}
