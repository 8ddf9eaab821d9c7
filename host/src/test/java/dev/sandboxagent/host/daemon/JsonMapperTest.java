package dev.sandboxagent.host.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class JsonMapperTest {

  @Test
  void buffersGoBackToOneSharedPoolWhileTheThreadThatUsedThemLivesOn() throws Exception {
    ObjectMapper mapper = Daemon.jsonMapper();
    CountDownLatch written = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    Runnable connection = () -> {
      try {
        mapper.writeValueAsBytes(Map.of("type", "item.delta", "text", "x".repeat(10_000)));
        mapper.readTree("{\"message\":\"hello\"}");
        written.countDown();
        release.await(); // the connection stays open
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    Thread first = Thread.ofVirtual().start(connection);
    Thread second = Thread.ofVirtual().start(connection);
    written.await();

    // Two threads, still alive, have written and read: their buffers are back in the shared pool
    // (at most one set each, for a while reused by whoever comes next), not held by the threads.
    int pooled = mapper.getFactory()._getRecyclerPool().pooledCount();
    assertThat(pooled).isBetween(1, 2);
    mapper.writeValueAsBytes(Map.of("again", true));
    assertThat(mapper.getFactory()._getRecyclerPool().pooledCount()).isEqualTo(pooled);

    release.countDown();
    first.join();
    second.join();
  }
}
