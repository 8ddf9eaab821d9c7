package dev.sandboxagent.host.install;

import static dev.sandboxagent.host.install.FakeRegistry.Entry.file;
import static dev.sandboxagent.host.install.FakeRegistry.Entry.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.host.install.InstallSettings.SourceKind;
import java.io.ByteArrayOutputStream;
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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Installs against an npm registry and a vendor site served on loopback by the test. */
@Timeout(60)
class InstallerTest {

  private static final Platform LINUX_X64 = new Platform("linux", "x64", false);
  private static final String MAIN = "@fake/agent";
  private static final String PLATFORM_PKG = "@fake/agent-linux-x64";
  private static final InstallSource.Npm NPM = new InstallSource.Npm(MAIN, PLATFORM_PKG, "bin/agent");

  @TempDir Path tmp;
  FakeRegistry registry;
  Path installDir;
  final List<String> steps = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    installDir = tmp.resolve("install");
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  static List<FakeRegistry.Entry> program(String version) {
    return List.of(
        file("package/bin/agent", "#!/bin/sh\necho \"fake agent " + version + "\"\n", 0755),
        file("package/bin/helper", "#!/bin/sh\necho helper\n", 0755),
        file("package/package.json", "{\"version\":\"" + version + "\"}", 0644));
  }

  Installer installer(List<SourceKind> order, Map<String, Path> archives, Duration stall) {
    Downloader downloader = new Downloader(Duration.ofSeconds(5), stall);
    InstallSettings settings = new InstallSettings(order, archives, Map.of(), URI.create(registry.base()));
    return new Installer(installDir, LINUX_X64, settings, new NpmRegistry(URI.create(registry.base()), downloader,
        new ObjectMapper(), null), downloader, new ArchiveExtractor(), Duration.ofSeconds(30));
  }

  Installer installer() {
    return installer(InstallSettings.DEFAULT_ORDER, Map.of(), Duration.ofSeconds(10));
  }

  Optional<Installer.Result> install(Installer installer, List<InstallSource> sources, String version,
      boolean reinstall) throws InstallException {
    return installer.install("fake", "agent", sources, version, reinstall,
        () -> Files.isRegularFile(installDir.resolve("agent")), new Installer.Listener() {
          @Override
          public void step(String message) {
            steps.add(message);
          }

          @Override
          public void update(long bytes, long total) {}
        });
  }

  static String run(Path program) throws Exception {
    Process p = new ProcessBuilder(program.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void installsTheLatestPlatformPackageFromNpm() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.1.0", program("1.1.0"));
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.2.0", program("1.2.0"));

    Installer.Result result = install(installer(), List.of(NPM), null, false).orElseThrow();

    assertThat(result.version()).isEqualTo("1.2.0");
    assertThat(result.binary()).isEqualTo(installDir.resolve("agent"));
    assertThat(result.source()).isEqualTo("npm @fake/agent-linux-x64@1.2.0");
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 1.2.0");
    Path real = installDir.resolve("agent").toRealPath();
    assertThat(real.resolveSibling("helper")).as("the rest of the package stays beside the program").exists();
    assertThat(Files.isExecutable(real)).isTrue();
    assertThat(steps).contains("extracting _fake_agent-linux-x64-1.2.0.tgz");
  }

  @Test
  void installsAPinnedVersionAndFollowsNpmAliases() throws Exception {
    registry.publish(MAIN + "-bin", "0.9.0-linux-x64", Map.of(), program("0.9.0"));
    registry.publish(MAIN, "0.9.0", Map.of(PLATFORM_PKG, "npm:@fake/agent-bin@0.9.0-linux-x64"), List.of());
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));

    Installer.Result result = install(installer(), List.of(NPM), "0.9.0", false).orElseThrow();

    assertThat(result.version()).isEqualTo("0.9.0");
    assertThat(result.source()).isEqualTo("npm @fake/agent-bin@0.9.0-linux-x64");
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 0.9.0");
  }

  @Test
  void aLaggingPlatformPackageFallsBackToItsLatestOnlyWhenUnpinned() throws Exception {
    registry.publish(PLATFORM_PKG, "1.9.0", Map.of(), program("1.9.0"));
    registry.publish(MAIN, "2.0.0", Map.of(PLATFORM_PKG, "2.0.0"), List.of());

    assertThatThrownBy(() -> install(installer(), List.of(NPM), "2.0.0", false))
        .hasMessageContaining("npm package @fake/agent-linux-x64 has no version or dist-tag 2.0.0");
    Installer.Result result = install(installer(), List.of(NPM), null, false).orElseThrow();
    assertThat(result.version()).isEqualTo("1.9.0");
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 1.9.0");
  }

  @Test
  void nothingIsDownloadedWhenInstalledUnlessReinstalling() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    Installer installer = installer();
    install(installer, List.of(NPM), null, false).orElseThrow();
    int downloads = registry.downloads.get();

    assertThat(install(installer, List.of(NPM), null, false)).isEmpty();
    assertThat(registry.downloads.get()).isEqualTo(downloads);

    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "2.0.0", program("2.0.0"));
    assertThat(install(installer, List.of(NPM), null, true).orElseThrow().version()).isEqualTo("2.0.0");
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 2.0.0");
    try (var trees = Files.list(installDir.resolve(".agents/fake"))) {
      assertThat(trees.map(p -> p.getFileName().toString()).toList())
          .as("the replaced version is removed").singleElement().asString().startsWith("2.0.0-");
    }
  }

  @Test
  void checksumMismatchFailsAndKeepsThePreviousInstall() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    Installer installer = installer();
    install(installer, List.of(NPM), null, false).orElseThrow();
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "2.0.0", program("2.0.0"));
    registry.corruptIntegrity(PLATFORM_PKG, "2.0.0");

    assertThatThrownBy(() -> install(installer, List.of(NPM), null, true))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("npm @fake/agent: ")
        .hasMessageContaining("checksum mismatch");
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 1.0.0");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void truncatedDownloadFails() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    registry.mode("agent-linux-x64-1.0.0.tgz", FakeRegistry.Mode.TRUNCATED);

    assertThatThrownBy(() -> install(installer(), List.of(NPM), null, false))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("npm @fake/agent: ");
    assertThat(installDir.resolve("agent")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void missingPackageOrVersionFailsClearly() throws Exception {
    assertThatThrownBy(() -> install(installer(), List.of(NPM), null, false))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("npm @fake/agent: ")
        .hasMessageContaining("404");

    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    assertThatThrownBy(() -> install(installer(), List.of(NPM), "3.0.0", false))
        .hasMessageContaining("no version or dist-tag 3.0.0");
  }

  @Test
  void aServerThatStallsTimesOut() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    registry.mode("agent-linux-x64-1.0.0.tgz", FakeRegistry.Mode.STALL);
    long start = System.nanoTime();

    assertThatThrownBy(() -> install(installer(InstallSettings.DEFAULT_ORDER, Map.of(), Duration.ofMillis(700)),
        List.of(NPM), null, false))
        .isInstanceOf(InstallException.class)
        .hasMessageContaining("stalled");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void hostileArchivesAreRefusedAndWriteNothingOutside() throws Exception {
    List<List<FakeRegistry.Entry>> hostile = List.of(
        List.of(file("package/../../../escaped-slip", "x", 0644), file("package/bin/agent", "#!/bin/sh\n", 0755)),
        List.of(file("/tmp/escaped-absolute-" + tmp.getFileName(), "x", 0644)),
        List.of(link("package/bin/agent", "../../../../../../etc/passwd")),
        List.of(link("package/evil", "/etc"), file("package/evil/escaped-through-link", "x", 0644)));
    int n = 0;
    for (List<FakeRegistry.Entry> entries : hostile) {
      String version = "6.6." + n++;
      registry.publishWithPlatform(MAIN, PLATFORM_PKG, version, entries);
      assertThatThrownBy(() -> install(installer(), List.of(NPM), version, false))
          .as("archive %s", entries)
          .isInstanceOf(InstallException.class)
          .hasMessageMatching("(?s).*(outside|absolute|escape|link).*");
    }
    assertThat(installDir.resolve("agent")).doesNotExist();
    assertThat(tmp.resolve("escaped-slip")).doesNotExist();
    assertThat(installDir.resolve("escaped-slip")).doesNotExist();
    assertThat(Path.of("/tmp/escaped-absolute-" + tmp.getFileName())).doesNotExist();
    assertThat(Path.of("/etc/escaped-through-link")).doesNotExist();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void concurrentInstallsDownloadOnce() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    registry.downloadDelayMillis = 300;
    // Two installers over one directory stand for two processes: only the lock file is shared.
    List<Installer> installers = List.of(installer(), installer(), installer(), installer());
    ExecutorService pool = Executors.newFixedThreadPool(installers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Installer.Result>>> results = new ArrayList<>();
    for (Installer installer : installers) {
      results.add(pool.submit(() -> {
        go.await();
        return install(installer, List.of(NPM), null, false);
      }));
    }
    go.countDown();
    long installed = 0;
    for (Future<Optional<Installer.Result>> f : results) {
      installed += f.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
    }
    pool.shutdown();

    assertThat(installed).isEqualTo(1);
    assertThat(registry.downloads.get()).as("platform tarball downloads").isEqualTo(1);
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 1.0.0");
  }

  @Test
  void vendorRawDownloadUsesTheVersionFile() throws Exception {
    registry.put("/vendor/version.txt", "4.5.6\n".getBytes(StandardCharsets.UTF_8));
    registry.put("/vendor/4.5.6/agent-linux-x64", "#!/bin/sh\necho vendor 4.5.6\n".getBytes(StandardCharsets.UTF_8));
    InstallSource vendor = new InstallSource.Download(registry.base() + "vendor/{version}/agent-linux-x64", null,
        registry.base() + "vendor/version.txt", InstallSource.Format.RAW, null);

    Installer.Result result = install(installer(), List.of(NPM, vendor), null, false).orElseThrow();

    assertThat(result.version()).isEqualTo("4.5.6");
    assertThat(run(installDir.resolve("agent"))).isEqualTo("vendor 4.5.6");
    assertThat(steps).anyMatch(s -> s.startsWith("failed: npm @fake/agent"));
  }

  @Test
  void vendorArchivesAreSearchedForTheProgram() throws Exception {
    registry.put("/gh/latest/agent-x86_64.tar.gz", FakeRegistry.tarGz(List.of(
        file("dist/deep/agent-x86_64-unknown-linux-musl", "#!/bin/sh\necho from tarball\n", 0755))));
    registry.put("/gh/latest/agent.zip", zip("nested/agent", "#!/bin/sh\necho from zip\n"));
    InstallSource tarGz = new InstallSource.Download(registry.base() + "gh/{version}/agent-x86_64.tar.gz",
        registry.base() + "gh/latest/agent-x86_64.tar.gz", null, InstallSource.Format.TAR_GZ,
        "agent-x86_64-unknown-linux-musl");
    InstallSource zip = new InstallSource.Download(registry.base() + "gh/{version}/agent.zip",
        registry.base() + "gh/latest/agent.zip", null, InstallSource.Format.ZIP, "agent");
    InstallSource missing = new InstallSource.Download(registry.base() + "gh/{version}/agent.zip",
        registry.base() + "gh/latest/agent.zip", null, InstallSource.Format.ZIP, "not-there");

    install(installer(), List.of(tarGz), null, false).orElseThrow();
    assertThat(run(installDir.resolve("agent"))).isEqualTo("from tarball");
    install(installer(), List.of(zip), null, true).orElseThrow();
    assertThat(run(installDir.resolve("agent"))).isEqualTo("from zip");
    assertThatThrownBy(() -> install(installer(), List.of(missing), null, true))
        .hasMessageContaining("extract failed: missing not-there");
    assertThat(run(installDir.resolve("agent"))).isEqualTo("from zip");
  }

  @Test
  void localArchiveDirectoryOrProgramComesFirstAndWorksOffline() throws Exception {
    Path tgz = tmp.resolve("agent-offline.tgz");
    Files.write(tgz, FakeRegistry.tarGz(program("7.0.0")));
    Path dir = Files.createDirectories(tmp.resolve("unpacked/bin"));
    Files.writeString(dir.resolve("agent"), "#!/bin/sh\necho from dir\n");
    Path rawProgram = tmp.resolve("some-agent-build");
    Files.writeString(rawProgram, "#!/bin/sh\necho raw\n");
    registry.close(); // offline: any network attempt would fail

    Installer.Result fromTgz = install(installer(InstallSettings.DEFAULT_ORDER, Map.of("fake", tgz),
        Duration.ofSeconds(5)), List.of(NPM), null, false).orElseThrow();
    assertThat(fromTgz.version()).isEqualTo("7.0.0");
    assertThat(fromTgz.source()).isEqualTo("local " + tgz);
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 7.0.0");

    install(installer(InstallSettings.DEFAULT_ORDER, Map.of("fake", tmp.resolve("unpacked")), Duration.ofSeconds(5)),
        List.of(NPM), null, true).orElseThrow();
    assertThat(run(installDir.resolve("agent"))).isEqualTo("from dir");

    install(installer(InstallSettings.DEFAULT_ORDER, Map.of("fake", rawProgram), Duration.ofSeconds(5)),
        List.of(NPM), null, true).orElseThrow();
    assertThat(run(installDir.resolve("agent"))).isEqualTo("raw");
  }

  @Test
  void sourceOrderAndSelectionAreHonoured() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    Path tgz = tmp.resolve("agent-offline.tgz");
    Files.write(tgz, FakeRegistry.tarGz(program("7.0.0")));

    Installer npmFirst = installer(List.of(SourceKind.NPM, SourceKind.LOCAL), Map.of("fake", tgz), Duration.ofSeconds(5));
    assertThat(install(npmFirst, List.of(NPM), null, false).orElseThrow().version()).isEqualTo("1.0.0");

    Installer vendorOnly = installer(List.of(SourceKind.VENDOR), Map.of("fake", tgz), Duration.ofSeconds(5));
    assertThatThrownBy(() -> install(vendorOnly, List.of(NPM), null, true))
        .hasMessageContaining("no install source for fake on linux-x64 (sources tried: [vendor])");
  }

  @Test
  void leftoversOfACrashedInstallAreCleanedAndThePreviousInstallKept() throws Exception {
    registry.publishWithPlatform(MAIN, PLATFORM_PKG, "1.0.0", program("1.0.0"));
    Installer installer = installer();
    install(installer, List.of(NPM), null, false).orElseThrow();
    Path staging = Files.createDirectories(installDir.resolve(".agents/fake/.staging-crashed/tree/package"));
    Files.writeString(staging.resolve("half-written"), "x");

    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 1.0.0");
    registry.mode("agent-linux-x64-1.0.0.tgz", FakeRegistry.Mode.NOT_FOUND);
    assertThatThrownBy(() -> install(installer, List.of(NPM), null, true)).isInstanceOf(InstallException.class);
    assertThat(leftovers()).isEmpty();
    assertThat(run(installDir.resolve("agent"))).isEqualTo("fake agent 1.0.0");
  }

  @Test
  void invalidVersionsAreRefusedBeforeAnyRequest() {
    assertThatThrownBy(() -> install(installer(), List.of(NPM), "../../etc", false))
        .hasMessage("invalid version: ../../etc");
    assertThat(registry.requests).isEmpty();
  }

  @Test
  void platformDetectionLooksForTheMuslLoader() throws Exception {
    Path root = tmp.resolve("root");
    assertThat(PlatformDetector.detect("Linux", "amd64", root).id()).isEqualTo("linux-x64");
    Files.createDirectories(root.resolve("lib"));
    Files.writeString(root.resolve("lib/ld-musl-x86_64.so.1"), "");
    assertThat(PlatformDetector.detect("Linux", "amd64", root).id()).isEqualTo("linux-x64-musl");
    assertThat(PlatformDetector.detect("Linux", "aarch64", root).id()).isEqualTo("linux-arm64");
    assertThat(PlatformDetector.detect("Mac OS X", "aarch64", root).id()).isEqualTo("darwin-arm64");
    assertThatThrownBy(() -> PlatformDetector.detect("Windows 11", "amd64", root))
        .hasMessage("unsupported platform windows 11/x64");
    assertThatThrownBy(() -> PlatformDetector.detect("Linux", "riscv64", root))
        .hasMessage("unsupported platform linux/riscv64");
  }

  private List<Path> leftovers() throws IOException {
    Path agentDir = installDir.resolve(".agents/fake");
    if (!Files.isDirectory(agentDir)) {
      return List.of();
    }
    try (var children = Files.list(agentDir)) {
      return children.filter(p -> p.getFileName().toString().startsWith(".staging")).toList();
    }
  }

  private static byte[] zip(String name, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      ZipArchiveEntry entry = new ZipArchiveEntry(name);
      entry.setUnixMode(0100755);
      zip.putArchiveEntry(entry);
      zip.write(content.getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }
}
