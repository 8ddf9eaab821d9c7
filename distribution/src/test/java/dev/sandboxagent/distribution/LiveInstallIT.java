package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Installs the real agent programs from the public npm registry with {@code install-agent} (the
 * shared install of {@link LiveAgents}, made once per run) and runs {@code --version} on each.
 * Skipped when the registry cannot be reached or with {@code -DskipLive}.
 */
@Timeout(900)
class LiveInstallIT {

  @ParameterizedTest
  // qwen: the smallest of the Node.js ACP agents (about 55 MiB with its dependencies)
  @ValueSource(strings = {"claude", "codex", "opencode", "amp", "qwen"})
  void installsFromNpmAndRuns(String agent) throws Exception {
    LiveAgents.Installed installed = LiveAgents.installed(agent);
    String printed = Dist.run(installed.program().toString(), "--version");
    assertThat(printed).isNotBlank();

    long bytes;
    try (Stream<Path> files = Files.walk(installed.program().resolveSibling(".agents").resolve(agent))) {
      bytes = files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf(Locale.ROOT, "LIVE %-8s %-32s install %5.1f s  on disk %6.1f MiB%n", agent,
        printed.lines().findFirst().orElse(""), installed.seconds(), bytes / (1024.0 * 1024.0));
  }
}
