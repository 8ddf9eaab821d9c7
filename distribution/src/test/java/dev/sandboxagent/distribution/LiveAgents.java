package dev.sandboxagent.distribution;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sandboxagent.host.install.NpmRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real agent programs for the live tests, installed from the npm registry with
 * {@code install-agent} once per test run into one directory that every live test shares.
 *
 * <p>The versions are those the daemon targets and the recorded native fixtures come from, so that a
 * new vendor release cannot turn the build red on its own; {@code -Dlive.version.<agent>=latest} (or
 * another version) tries a different one. Amp has no recorded version: its current release is used.
 * The Node.js ACP agents are installed the same way, with their dependencies.
 *
 * <p>Live tests run by default. {@code -DskipLive} or {@code SANDBOX_AGENT_LIVE=0} skips them; so does
 * a registry that cannot be reached (probed once, with a notice), while a failed install with the
 * registry reachable fails the tests that need the program.
 */
final class LiveAgents {

  /** Why the live tests do not run, or null when they do; decided on first use. */
  private static volatile String skipReason;
  private static volatile boolean probed;
  private static final Map<String, Installed> INSTALLED = new ConcurrentHashMap<>();
  private static final Map<String, String> VERSIONS = Map.of(
      "claude", "2.1.330", "codex", "0.169.0", "opencode", "1.18.33", "amp", "latest",
      // the Node.js ACP agents, at the versions their shipped entries pin
      "qwen", "0.15.10", "claude-acp", "0.49.0", "codex-acp", "2.6.0", "gemini", "0.61.0");

  /** The program names that are not the agent's id. */
  private static final Map<String, String> BINARIES = Map.of("claude-acp", "claude-agent-acp");

  /** An installed program and how long its install took (or why it failed). */
  record Installed(Path program, double seconds, String version, AssertionError failure) {}

  private LiveAgents() {}

  /**
   * The installed program of {@code agent}, installing it on first use; skips the calling test
   * (JUnit assumption) when live tests are switched off or the registry is out of reach.
   */
  static Path program(String agent) {
    assumeEnabled();
    Installed installed = INSTALLED.computeIfAbsent(agent, LiveAgents::install);
    if (installed.failure() != null) {
      throw installed.failure();
    }
    return installed.program();
  }

  /** The install of {@code agent} made by {@link #program}. */
  static Installed installed(String agent) {
    program(agent);
    return INSTALLED.get(agent);
  }

  /** Skips the calling test when live tests are switched off or the registry is out of reach. */
  static void assumeEnabled() {
    if (!probed) {
      synchronized (LiveAgents.class) {
        if (!probed) {
          skipReason = Boolean.getBoolean("live.skip") || "0".equals(System.getenv("SANDBOX_AGENT_LIVE"))
              ? "live tests against the real agents switched off (-DskipLive or SANDBOX_AGENT_LIVE=0)"
              : probeRegistry();
          probed = true;
          if (skipReason != null) {
            System.out.println("NOTICE: " + skipReason);
          }
        }
      }
    }
    assumeTrue(skipReason == null, skipReason);
  }

  private static String probeRegistry() {
    URI registry = NpmRegistry.configured(System.getenv("SANDBOX_AGENT_NPM_REGISTRY"), System.getenv(),
        Path.of(System.getProperty("user.home")));
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(registry).timeout(Duration.ofSeconds(10))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() >= 500) {
        return "the npm registry " + registry + " answered " + response.statusCode()
            + ": live tests against the real agents skipped";
      }
      return null;
    } catch (IOException e) {
      return "the npm registry " + registry + " cannot be reached (" + e
          + "): live tests against the real agents skipped";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while probing the npm registry " + registry;
    }
  }

  private static Installed install(String agent) {
    Path dir = Path.of(System.getProperty("live.agents.dir", Dist.dir().resolveSibling("live-agents").toString()));
    long start = System.nanoTime();
    try {
      String wanted = System.getProperty("live.version." + agent, VERSIONS.getOrDefault(agent, "latest"));
      // latest is asked for as users do, with no version: the install then copes with a platform
      // package that lags behind a fresh release
      Path link = wanted.equals("latest") ? Dist.installAgent(agent, dir, "--reinstall")
          : Dist.installAgent(agent, dir, "--reinstall", "--agent-version", wanted);
      Path program = link.resolveSibling(BINARIES.getOrDefault(agent, agent));
      double seconds = (System.nanoTime() - start) / 1e9;
      String version = Dist.run(program.toString(), "--version").lines().findFirst().orElse("");
      System.out.printf(Locale.ROOT, "LIVE install %-8s %-32s %5.1f s%n", agent, version, seconds);
      return new Installed(program, seconds, version, null);
    } catch (AssertionError e) {
      return new Installed(null, (System.nanoTime() - start) / 1e9, null, e);
    } catch (Exception e) {
      return new Installed(null, (System.nanoTime() - start) / 1e9, null,
          new AssertionError("install-agent " + agent + " failed: " + e, e));
    }
  }
}
