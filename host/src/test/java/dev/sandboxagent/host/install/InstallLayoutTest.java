package dev.sandboxagent.host.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallLayoutTest {

  @TempDir Path installDir;

  private static ProgramSource.Staged stage(Path staging, String version, String content) throws Exception {
    Path tree = staging.resolve("tree");
    Path binary = Files.createDirectories(tree.resolve("bin")).resolve("agent");
    Files.writeString(binary, content);
    return new ProgramSource.Staged(tree, binary, version, "test " + version);
  }

  /** The installed trees: the directories not hidden (staging directories are). */
  private static List<String> trees(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  @Test
  void aCommitMovesTheStagedTreeIntoPlaceAndLinksTheProgram() throws Exception {
    InstallLayout layout = new InstallLayout(installDir);
    Path agentDir = layout.agentDir("fake");
    Path staging = Files.createDirectories(layout.newStaging(agentDir));

    Installer.Result result = layout.commit("fake", "agent", agentDir, stage(staging, "1.0.0", "#!/bin/sh\n"));

    assertThat(result).isEqualTo(new Installer.Result("1.0.0", installDir.resolve("agent"), "test 1.0.0"));
    assertThat(Files.readString(installDir.resolve("agent"))).isEqualTo("#!/bin/sh\n");
    assertThat(Files.isExecutable(installDir.resolve("agent"))).isTrue();
    assertThat(agentDir.relativize(installDir.resolve("agent").toRealPath()).toString()).matches("1\\.0\\.0-[0-9a-f]+/bin/agent");
    assertThat(Files.exists(staging.resolve("tree"))).isFalse();
  }

  @Test
  void aNewCommitReplacesTheOlderTreeAndStagingLeftoversGoAtTheNextInstall() throws Exception {
    InstallLayout layout = new InstallLayout(installDir);
    Path agentDir = layout.agentDir("fake");
    layout.commit("fake", "agent", agentDir, stage(Files.createDirectories(layout.newStaging(agentDir)), "1.0.0", "one"));
    Path leftover = Files.createDirectories(layout.newStaging(agentDir));

    assertThat(layout.agentDir("fake")).isEqualTo(agentDir);
    assertThat(Files.exists(leftover)).isFalse();
    layout.commit("fake", "agent", agentDir, stage(Files.createDirectories(layout.newStaging(agentDir)), "2.0.0", "two"));

    assertThat(Files.readString(installDir.resolve("agent"))).isEqualTo("two");
    assertThat(trees(agentDir)).singleElement().asString().startsWith("2.0.0-");
  }

  @Test
  void anEmptyProgramIsRefusedAndThePreviousInstallKept() throws Exception {
    InstallLayout layout = new InstallLayout(installDir);
    Path agentDir = layout.agentDir("fake");
    layout.commit("fake", "agent", agentDir, stage(Files.createDirectories(layout.newStaging(agentDir)), "1.0.0", "one"));

    ProgramSource.Staged empty = stage(Files.createDirectories(layout.newStaging(agentDir)), "2.0.0", "");
    assertThatThrownBy(() -> layout.commit("fake", "agent", agentDir, empty))
        .isInstanceOf(InstallException.class)
        .hasMessage("the program bin/agent is empty");
    assertThat(Files.readString(installDir.resolve("agent"))).isEqualTo("one");
  }
}
