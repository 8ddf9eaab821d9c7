package dev.sandboxagent.host.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class VersionProbeTest {

  @TempDir Path tmp;

  private Path program(String script) throws Exception {
    Path program = tmp.resolve("agent");
    Files.writeString(program, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    return program;
  }

  @Test
  void theFirstNonEmptyLineOfVersionIsTheVersion() throws Exception {
    Path program = program("[ \"$1\" = --version ] || exit 2\necho\necho '  agent 1.2.3  '\necho more\n");

    assertThat(VersionProbe.version(program)).contains("agent 1.2.3");
  }

  @Test
  void theNextArgumentIsTriedWhenOneFails() throws Exception {
    Path program = program("[ \"$1\" = -V ] || { echo \"unknown option $1\"; exit 1; }\necho 0.9.0\n");

    assertThat(VersionProbe.version(program)).contains("0.9.0");
  }

  @Test
  void aProgramThatGivesNoVersionHasNone() throws Exception {
    assertThat(VersionProbe.version(program("exit 3\n"))).isEmpty();
    assertThat(VersionProbe.version(tmp.resolve("missing"))).isEmpty();
  }
}
