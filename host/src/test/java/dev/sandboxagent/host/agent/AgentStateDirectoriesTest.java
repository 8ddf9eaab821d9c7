package dev.sandboxagent.host.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateDirectoriesTest {

  @TempDir Path tmp;

  @Test
  void eachAgentAndTenantHasItsOwnDirectoryUnderTheRootKeptOnClose() throws Exception {
    AgentStateDirectories states = AgentStateDirectories.under(tmp.resolve("agents"));

    Path own = states.directory("opencode", "");
    Path acme = states.directory("opencode", "acme");
    Path codex = states.directory("codex", "acme");
    Files.writeString(own.resolve("kept"), "x");
    states.close();

    assertThat(own).isEqualTo(tmp.resolve("agents/opencode/_default")).isDirectory();
    assertThat(acme).isEqualTo(tmp.resolve("agents/opencode/acme")).isDirectory();
    assertThat(codex).isEqualTo(tmp.resolve("agents/codex/acme")).isDirectory();
    assertThat(own.resolve("kept")).hasContent("x");
    assertThat(states.directory("opencode", "")).isEqualTo(own);
  }

  @Test
  void temporaryDirectoriesAreMadeOnFirstUseAndRemovedOnClose() throws Exception {
    AgentStateDirectories states = AgentStateDirectories.temporary();
    states.close(); // nothing made yet: nothing to remove

    Path dir = states.directory("opencode", "acme");
    Files.createDirectories(dir.resolve("data/opencode/storage"));
    Files.writeString(dir.resolve("data/opencode/storage/s.json"), "{}");
    Path root = dir.getParent().getParent();
    assertThat(root.getFileName().toString()).startsWith("sandbox-agent-state-");
    assertThat(states.directory("codex", "")).startsWith(root);

    states.close();

    assertThat(root).doesNotExist();
  }

  @Test
  void aDirectoryThatCannotBeMadeIsAClearError() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "not a directory");

    assertThatThrownBy(() -> AgentStateDirectories.under(file).directory("opencode", ""))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot create the state directory " + file.resolve("opencode/_default"));
  }
}
