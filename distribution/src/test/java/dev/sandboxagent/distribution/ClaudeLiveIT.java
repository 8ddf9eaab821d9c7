package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code, installed from the npm registry, against {@link FakeAnthropic} on loopback.
 * Needs the network for the install: {@code SANDBOX_AGENT_LIVE_CLAUDE=1 ./mvnw verify -pl distribution
 * -am -Dit.test=ClaudeLiveIT}.
 */
@EnabledIfEnvironmentVariable(named = "SANDBOX_AGENT_LIVE_CLAUDE", matches = "1")
@Timeout(600)
class ClaudeLiveIT {

  static Path installDir;

  @TempDir static Path shared;
  @TempDir Path work;

  @BeforeAll
  static void install() throws Exception {
    installDir = shared.resolve("install");
    Process p = new ProcessBuilder(Dist.dir().resolve("bin/sandbox-agent").toString(), "install-agent", "claude",
        "--install-sources", "npm", "--install-dir", installDir.toString()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
  }

  @Test
  void theFakeModelDrivesAToolTurnOfTheRealProgram() throws Exception {
    try (FakeAnthropic model = new FakeAnthropic()) {
      Path home = Files.createDirectories(work.resolve("home"));
      Path project = Files.createDirectories(work.resolve("project"));
      ProcessBuilder pb = new ProcessBuilder(List.of(installDir.resolve("claude").toString(), "-p",
          "Run the shell command echo hi and tell me what it printed.", "--output-format", "stream-json", "--verbose"))
          .directory(project.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("HOME", home.toString());
      pb.environment().put("ANTHROPIC_BASE_URL", model.baseUrl());
      pb.environment().put("ANTHROPIC_API_KEY", "sk-ant-fake-key");
      pb.environment().put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
      pb.environment().put("DISABLE_AUTOUPDATER", "1");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(err + out).isZero();
      assertThat(out).contains("\"type\":\"result\"").contains("Done. The command's output was: hi");
    }
  }
}
