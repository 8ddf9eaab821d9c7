package dev.sandboxagent.host.install;

import static dev.sandboxagent.host.install.FakeRegistry.Entry.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node.js programs installed from an npm registry served on loopback, by the real {@code npm}
 * (skipped where there is none): the package with its dependencies, the program its {@code bin}
 * names, the entry's pinned version unless another is asked for, and failures that keep the
 * previous install.
 */
@Timeout(120)
class NodePackageInstallTest {

  private static final String PKG = "@fake/node-agent";
  private static final InstallSource.NodePackage SOURCE = new InstallSource.NodePackage(PKG, "1.0.0", "node-agent");

  @TempDir Path tmp;
  FakeRegistry registry;
  Path installDir;
  final List<String> steps = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    assumeTrue(onPath("npm") && onPath("node"), "no npm and node on PATH");
    registry = new FakeRegistry();
    installDir = tmp.resolve("install");
  }

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  /** Publishes the agent at {@code version}, whose program prints its version and its dependency's greeting. */
  private void publishAgent(String version) throws IOException {
    registry.publishNode(PKG, version, Map.of("fake-greeting", "^2.0.0"), Map.of("node-agent", "bin/cli.js"), List.of(
        file("package/bin/cli.js", "#!/usr/bin/env node\nconsole.log('node agent " + version + " says '"
            + " + require('fake-greeting'));\n", 0644)));
  }

  private void publishGreeting() throws IOException {
    registry.publishNode("fake-greeting", "2.1.0", Map.of(), Map.of(), List.of(
        file("package/index.js", "module.exports = 'hello';\n", 0644)));
  }

  private Installer installer() {
    Downloader downloader = new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(10));
    InstallSettings settings = new InstallSettings(List.of(InstallSettings.SourceKind.NPM), Map.of(), Map.of(),
        URI.create(registry.base()));
    return new Installer(installDir, new Platform("linux", "x64", false), settings, npmRegistry(downloader),
        downloader, new ArchiveExtractor(), Duration.ofSeconds(30));
  }

  private NpmRegistry npmRegistry(Downloader downloader) {
    return new NpmRegistry(URI.create(registry.base()), downloader, new ObjectMapper(), null);
  }

  private Installer.Result install(String version, boolean reinstall) throws InstallException {
    return installer().install("node-agent", "node-agent", List.of(SOURCE), version, reinstall,
        () -> Files.isRegularFile(installDir.resolve("node-agent")), new Installer.Listener() {
          @Override
          public void step(String message) {
            steps.add(message);
          }

          @Override
          public void update(long bytes, long total) {}
        }).orElseThrow();
  }

  @Test
  void installsThePinnedVersionWithItsDependenciesAndLinksItsBin() throws Exception {
    publishGreeting();
    publishAgent("1.0.0");
    publishAgent("1.1.0");

    Installer.Result result = install(null, false);

    assertThat(result.version()).isEqualTo("1.0.0");
    assertThat(result.source()).isEqualTo("npm @fake/node-agent@1.0.0");
    assertThat(result.binary()).isEqualTo(installDir.resolve("node-agent"));
    assertThat(run(installDir.resolve("node-agent"))).isEqualTo("node agent 1.0.0 says hello");
    assertThat(installDir.resolve("node-agent").toRealPath().toString())
        .endsWith("node_modules/@fake/node-agent/bin/cli.js");
    assertThat(steps).contains("installing @fake/node-agent@1.0.0 and its dependencies with npm");
    assertThat(registry.requests).anyMatch(r -> r.contains("fake-greeting-2.1.0.tgz"));
  }

  @Test
  void anotherVersionOrTheLatestReplacesTheInstall() throws Exception {
    publishGreeting();
    publishAgent("1.0.0");
    publishAgent("1.1.0");
    install(null, false);

    assertThat(install("latest", true).version()).isEqualTo("1.1.0");
    assertThat(run(installDir.resolve("node-agent"))).isEqualTo("node agent 1.1.0 says hello");
    try (Stream<Path> trees = Files.list(installDir.resolve(".agents/node-agent"))) {
      assertThat(trees.map(p -> p.getFileName().toString()).toList())
          .as("the replaced version is removed").singleElement().asString().startsWith("1.1.0-");
    }
  }

  @Test
  void aTamperedTarballFailsAndKeepsThePreviousInstall() throws Exception {
    publishGreeting();
    publishAgent("1.0.0");
    install(null, false);
    publishAgent("1.1.0");
    registry.corruptIntegrity(PKG, "1.1.0");

    assertThatThrownBy(() -> install("1.1.0", true))
        .isInstanceOf(InstallException.class)
        .hasMessageStartingWith("npm @fake/node-agent: npm install @fake/node-agent@1.1.0 failed")
        .hasMessageContaining("EINTEGRITY");
    assertThat(run(installDir.resolve("node-agent"))).isEqualTo("node agent 1.0.0 says hello");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aMissingDependencyOrVersionFailsClearly() throws Exception {
    publishAgent("1.0.0");
    assertThatThrownBy(() -> install(null, false))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("npm install @fake/node-agent@1.0.0 failed")
        .hasMessageContaining("fake-greeting");
    assertThat(installDir.resolve("node-agent")).doesNotExist();
    assertThat(leftovers()).isEmpty();

    assertThatThrownBy(() -> install("9.9.9", false))
        .hasMessageContaining("npm package @fake/node-agent has no version or dist-tag 9.9.9");
  }

  @Test
  void aPackageWithoutTheProgramIsRefused() throws Exception {
    publishGreeting();
    publishAgent("1.0.0");
    InstallSource.NodePackage other = new InstallSource.NodePackage(PKG, "1.0.0", "other-program");
    assertThatThrownBy(() -> installer().install("node-agent", "other-program", List.of(other), null, false,
        () -> false, Installer.Listener.NONE))
        .hasMessageContaining("@fake/node-agent@1.0.0 has no program other-program in its bin");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void withoutNpmTheInstallSaysWhatItNeeds() throws Exception {
    publishAgent("1.0.0");
    Downloader downloader = new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(10));
    NodePackageSource source = new NodePackageSource(SOURCE, npmRegistry(downloader), tmp.toString());
    assertThatThrownBy(() -> source.stage(Files.createDirectories(tmp.resolve("staging")), null, "node-agent",
        Installer.Listener.NONE))
        .isInstanceOf(InstallException.class)
        .hasMessage("npm is not on PATH: @fake/node-agent is a Node.js program, installed with npm (install Node.js)");
  }

  private List<Path> leftovers() throws IOException {
    Path agents = installDir.resolve(".agents/node-agent");
    if (!Files.isDirectory(agents)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(agents)) {
      return children.filter(p -> p.getFileName().toString().startsWith(".staging")).toList();
    }
  }

  private static String run(Path program) throws Exception {
    Process p = new ProcessBuilder(program.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null && Stream.of(path.split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }
}
