package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Installs the real agent programs from the public npm registry with {@code install-agent} and runs
 * {@code --version} on each. Needs the network, so it only runs with
 * {@code SANDBOX_AGENT_LIVE_INSTALL=1 ./mvnw verify -pl distribution -am -Dit.test=LiveInstallIT}.
 */
@EnabledIfEnvironmentVariable(named = "SANDBOX_AGENT_LIVE_INSTALL", matches = "1")
@Timeout(900)
class LiveInstallIT {

  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(strings = {"claude", "codex", "opencode"})
  void installsFromNpmAndRuns(String agent) throws Exception {
    Path installDir = work.resolve("install");
    long start = System.nanoTime();
    Process install = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString(), "install-agent", agent,
        "--install-sources", "npm", "--install-dir", installDir.toString())
        .redirectErrorStream(true).start();
    String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(install.waitFor(10, TimeUnit.MINUTES)).isTrue();
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(install.exitValue()).as(log).isZero();

    Process version = new ProcessBuilder(installDir.resolve(agent).toString(), "--version").redirectErrorStream(true)
        .start();
    String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(version.exitValue()).as(printed).isZero();
    assertThat(printed).isNotBlank();

    long bytes;
    try (Stream<Path> files = Files.walk(installDir.resolve(".agents").resolve(agent))) {
      bytes = files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf(Locale.ROOT, "LIVE %-8s %-32s install %5.1f s  on disk %6.1f MiB%n", agent, printed, seconds,
        bytes / (1024.0 * 1024.0));
    System.out.println(log.strip().lines().reduce((a, b) -> b).orElse(""));
  }
}
