package dev.sandboxagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSessionContextTest {

  @TempDir Path tmp;

  @Test
  void theStateDirectoryIsOneTemporaryDirectoryUnlessGivenAndSharedWithTheServers() {
    try (TestSessionContext first = TestSessionContext.of("a", null, tmp, Map.of());
        TestSessionContext second = TestSessionContext.of("b", null, tmp, Map.of()).sharingServersWith(first);
        TestSessionContext given = TestSessionContext.of("c", null, tmp, Map.of())
            .withStateDirectory(tmp.resolve("state"))) {
      Path dir = first.stateDirectory();

      assertThat(dir).isDirectory().isEqualTo(first.stateDirectory()).isEqualTo(second.stateDirectory());
      assertThat(dir.getFileName().toString()).startsWith("sandbox-agent-test-state-");
      assertThat(given.stateDirectory()).isEqualTo(tmp.resolve("state")).isDirectory();
    }
  }
}
