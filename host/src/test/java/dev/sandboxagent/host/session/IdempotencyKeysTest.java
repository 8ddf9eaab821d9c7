package dev.sandboxagent.host.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How long a key is remembered, and what the same key with another message gets. */
class IdempotencyKeysTest {

  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  @Test
  void aKeyIsRememberedFor24HoursAfterItsMessage() {
    IdempotencyKeys keys = new IdempotencyKeys();
    String hello = IdempotencyKeys.fingerprint("hello");
    keys.put("k", hello, T0);

    assertThat(keys.accepted("s", "k", hello, T0.plus(Duration.ofHours(24)).minusMillis(1))).isTrue();
    assertThat(keys.accepted("s", "k", hello, T0.plus(Duration.ofHours(24)))).isFalse();
    assertThat(keys.accepted("s", "other", hello, T0)).isFalse();
    // Once forgotten, the key may name another message.
    assertThat(keys.accepted("s", "k", IdempotencyKeys.fingerprint("bye"), T0.plus(Duration.ofDays(2)))).isFalse();
  }

  @Test
  void theSameKeyWithAnotherMessageIsRefusedWhileItIsRemembered() {
    IdempotencyKeys keys = new IdempotencyKeys();
    keys.put("k", IdempotencyKeys.fingerprint("hello"), T0);
    assertThatThrownBy(() -> keys.accepted("s", "k", IdempotencyKeys.fingerprint("hello "), T0))
        .isInstanceOfSatisfying(SessionException.class, e -> {
          assertThat(e.kind()).isEqualTo(SessionException.Kind.IDEMPOTENCY_KEY_REUSED);
          assertThat(e.idempotencyKey()).isEqualTo("k");
          assertThat(e.sessionId()).isEqualTo("s");
        });
  }

  @Test
  void expiringForgetsOnlyOlderKeys() {
    IdempotencyKeys keys = new IdempotencyKeys();
    String m = IdempotencyKeys.fingerprint("m");
    keys.put("old", m, T0);
    keys.put("new", m, T0.plusSeconds(10));
    keys.expire(T0.plusSeconds(5));
    assertThat(keys.accepted("s", "old", m, T0.plusSeconds(11))).isFalse();
    assertThat(keys.accepted("s", "new", m, T0.plusSeconds(11))).isTrue();
  }
}
