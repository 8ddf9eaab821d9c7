package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The runnable layout and its archive: launcher, JDK finder, release files, and the same files in
 * both.
 */
class LayoutIT {

  @Test
  void launcherIsExecutable() throws IOException {
    Path launcher = Dist.dir().resolve("bin/sandbox-agent");
    assertThat(launcher).isRegularFile().isExecutable();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher))).isEqualTo("rwxr-xr-x");
  }

  @Test
  void findJavaIsTheBuildsJdkFinder() {
    assertThat(Dist.dir().resolve("bin/find-java.sh")).hasSameTextualContentAs(Dist.findJdkScript());
  }

  @Test
  void archiveHoldsTheLayoutUnderItsVersionedDirectory() throws IOException {
    Map<String, Integer> modes = archiveFileModes();
    String root = Dist.archiveRoot() + "/";

    assertThat(root).isEqualTo("sandbox-agent-" + Dist.version() + "/");
    assertThat(modes).containsEntry(root + "bin/sandbox-agent", 0755);
    // The AOT caches are bound to the build directory and its JDK: they are not shipped.
    assertThat(modes.keySet()).containsExactlyInAnyOrderElementsOf(layoutFiles().stream()
        .filter(f -> !f.startsWith("lib/sandbox-agent.aot") && !f.startsWith("lib/sandbox-agent-api.aot"))
        .map(f -> root + f).toList());
  }

  @Test
  void theArchiveCarriesItsLicenseNoticeReadmeBillOfMaterialsAndChecksums() throws Exception {
    Map<String, byte[]> files = archiveFiles();
    String root = Dist.archiveRoot() + "/";
    assertThat(files).containsKeys(root + "README.md", root + "LICENSE", root + "NOTICE", root + "SHA256SUMS");
    assertThat(new String(files.get(root + "LICENSE"), StandardCharsets.UTF_8)).contains("Apache License")
        .contains("Version 2.0, January 2004");

    // Every file but the checksums themselves is listed once, with the digest of its bytes in the archive.
    Map<String, String> sums = new HashMap<>();
    for (String line : new String(files.get(root + "SHA256SUMS"), StandardCharsets.UTF_8).split("\n")) {
      String[] parts = line.split("  ", 2);
      assertThat(sums.put(parts[1], parts[0])).as("listed once: %s", parts[1]).isNull();
    }
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String name = file.getKey().substring(root.length());
      if (!name.equals("SHA256SUMS")) {
        assertThat(sums.remove(name)).as(name).isEqualTo(HexFormat.of().formatHex(sha256.digest(file.getValue())));
      }
    }
    assertThat(sums).as("listed but not in the archive").isEmpty();

    // The bill of materials names each JAR shipped in lib/ and plugins/ (an offline build makes none).
    Assumptions.assumeTrue(files.containsKey(root + "sbom.cdx.json"),
        "the distribution was built offline, where the CycloneDX plugin does not run: no bill of materials to check");
    JsonNode bom = new ObjectMapper().readTree(files.get(root + "sbom.cdx.json"));
    assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    List<String> components = new ArrayList<>();
    bom.path("components").forEach(c -> components.add(c.path("name").asText() + "-" + c.path("version").asText()
        + ".jar"));
    List<String> shipped = files.keySet().stream()
        .filter(f -> f.startsWith(root + "lib/") || f.startsWith(root + "plugins/"))
        .filter(f -> f.endsWith(".jar"))
        .map(f -> f.substring(f.lastIndexOf('/') + 1)).toList();
    assertThat(shipped).isNotEmpty();
    assertThat(components).containsAll(shipped);
  }

  /** A plugin built against the BOM gets the versions of Jackson and pf4j the daemon runs with. */
  @Test
  void theBomNamesTheVersionsTheDaemonShips() throws Exception {
    Document bom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("..", "bom", "pom.xml").toFile());
    NodeList dependencies = bom.getElementsByTagName("dependency");
    assertThat(dependencies.getLength()).isGreaterThan(0);
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      String group = text(dependency, "groupId");
      String artifact = text(dependency, "artifactId");
      String version = text(dependency, "version");
      if (group.equals("dev.sandboxagent")) {
        assertThat(version).isEqualTo("${project.version}");
      } else {
        assertThat(Dist.dir().resolve("lib").resolve(artifact + "-" + version + ".jar")).as("%s:%s", group, artifact)
            .isRegularFile();
      }
    }
    assertThat(text(bom.getDocumentElement(), "version")).isEqualTo(Dist.version());
  }

  private static String text(Element parent, String child) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(child)) {
        return e.getTextContent().strip();
      }
    }
    throw new AssertionError(parent.getTagName() + " has no " + child);
  }

  @Test
  void theBuildRecordsAnAotCacheTheLauncherUses() throws Exception {
    assertThat(Dist.dir().resolve("lib/sandbox-agent.aot")).isNotEmptyFile();
    Run run = launch(Dist.dir().resolve("bin/sandbox-agent"), "-Xlog:aot=info:stdout", "server", "--help");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("Opened AOT cache " + Dist.dir().resolve("lib/sandbox-agent.aot"))
        .doesNotContain("Unable to use AOT cache").doesNotContain("mismatch");
  }

  /** A short command starts faster without mapping the server's cache. */
  @Test
  void shortCommandsRunWithoutTheCache() throws Exception {
    Run run = launch(Dist.dir().resolve("bin/sandbox-agent"), "-Xlog:aot=info:stdout");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).doesNotContain("Opened AOT cache").endsWith("sandbox-agent " + Dist.version() + "\n");
  }

  /** The api commands have a cache of their own, recorded with the options they run with. */
  @Test
  void theBuildRecordsACacheTheApiCommandsUse() throws Exception {
    Path cache = Dist.dir().resolve("lib/sandbox-agent-api.aot");
    assertThat(cache).isNotEmptyFile();
    assertThat(Dist.dir().resolve("lib/sandbox-agent-api.aot.sums")).hasSameTextualContentAs(Dist.dir().resolve("SHA256SUMS"));
    Run run = launch(Dist.dir().resolve("bin/sandbox-agent"), "-Xlog:aot=info:stdout -Xlog:class+load=info:stdout",
        "api", "--help");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("Opened AOT cache " + cache).doesNotContain("Unable to use AOT cache")
        .doesNotContain("mismatch").contains("Usage: sandbox-agent api");
    // The parser's classes come from the cache: class files it can keep (Java 6 and later).
    List<String> parser = run.stdout().lines().filter(l -> l.contains(" picocli.")).toList();
    assertThat(parser).hasSizeGreaterThan(20).allSatisfy(l -> assertThat(l).contains("source: shared objects file"));
    // The server's cache is the server's only, and the api commands' theirs only.
    Run server = launch(Dist.dir().resolve("bin/sandbox-agent"), "-Xlog:aot=info:stdout", "server", "--help");
    assertThat(server.stdout()).doesNotContain("Opened AOT cache " + cache);
    Run hash = launch(Dist.dir().resolve("bin/sandbox-agent"), "-Xlog:aot=info:stdout", "credentials", "--help");
    assertThat(hash.exitCode()).as(hash.stderr()).isZero();
    assertThat(hash.stdout()).doesNotContain("Opened AOT cache");
  }

  /**
   * Short commands start with the serial collector, the quick compiler only and no statistics file;
   * the server and install-agent with the defaults, and the options in JAVA_OPTS win.
   */
  @Test
  void shortCommandsStartWithTheirOwnOptions(@TempDir Path temp) throws Exception {
    Path launcher = Dist.dir().resolve("bin/sandbox-agent");
    for (List<String> line : List.of(List.of("--version"), List.of("hash-token", "--help"),
        List.of("api", "--help"), List.of("--help"))) {
      Run run = launch(launcher, "-XX:+PrintCommandLineFlags", line.toArray(String[]::new));
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout()).as(String.join(" ", line)).contains("-XX:+UseSerialGC")
          .contains("-XX:TieredStopAtLevel=1").contains("-XX:-UsePerfData").doesNotContain("-XX:+UseG1GC")
          .doesNotContain("TrimNativeHeapInterval");
    }
    for (List<String> line : List.of(List.of("server", "--help"), List.of("install-agent", "--help"))) {
      Run run = launch(launcher, "-XX:+PrintCommandLineFlags", line.toArray(String[]::new));
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout()).as(String.join(" ", line)).contains("-XX:+UseG1GC")
          .doesNotContain("TieredStopAtLevel").doesNotContain("-XX:+UseSerialGC");
    }
    // The server gives free C heap back once a second (this JDK is 22 or later).
    Run server = launch(launcher, "-XX:+PrintCommandLineFlags", "server", "--help");
    assertThat(server.stdout()).contains("-XX:TrimNativeHeapInterval=1000");
    Run install = launch(launcher, "-XX:+PrintCommandLineFlags", "install-agent", "--help");
    assertThat(install.stdout()).doesNotContain("TrimNativeHeapInterval");
    // Not on JDK 21, where the option is experimental or missing: a runtime whose release file says 21.
    Run older = launch(launcher, Dist.javaHomeOfVersion(temp, "21.0.5"), "-XX:+PrintCommandLineFlags", "server", "--help");
    assertThat(older.exitCode()).as(older.stderr()).isZero();
    assertThat(older.stdout()).contains("-XX:+UseG1GC").doesNotContain("TrimNativeHeapInterval");
    Run chosen = launch(launcher, "-XX:+PrintCommandLineFlags -XX:+UseParallelGC -XX:TieredStopAtLevel=4");
    assertThat(chosen.exitCode()).as(chosen.stderr()).isZero();
    assertThat(chosen.stdout()).contains("-XX:+UseParallelGC").contains("-XX:TieredStopAtLevel=4")
        .doesNotContain("-XX:+UseSerialGC").endsWith("sandbox-agent " + Dist.version() + "\n");
  }

  @Test
  void theLauncherIgnoresACacheOlderThanItsJars() throws Exception {
    Path cache = Dist.dir().resolve("lib/sandbox-agent.aot");
    assertThat(cache).isNotEmptyFile();
    Path jar = Dist.dir().resolve("lib/sandbox-agent-host-" + Dist.version() + ".jar");
    java.nio.file.attribute.FileTime original = Files.getLastModifiedTime(jar);
    Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(cache).toMillis() + 2000));
    Run run;
    try {
      run = launch(Dist.dir().resolve("bin/sandbox-agent"), "-Xlog:aot=info:stdout", "server", "--help");
    } finally {
      Files.setLastModifiedTime(jar, original);
    }
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).doesNotContain("Opened AOT cache").contains("Usage: sandbox-agent");
  }

  /** A build gives its JARs one fixed time: a cache recorded with other JARs is told by their digests. */
  @Test
  void theLauncherIgnoresACacheRecordedForOtherJars() throws Exception {
    for (String command : List.of("server", "api")) {
      Path sums = Dist.dir().resolve(command.equals("server") ? "lib/sandbox-agent.aot.sums" : "lib/sandbox-agent-api.aot.sums");
      assertThat(sums).hasSameTextualContentAs(Dist.dir().resolve("SHA256SUMS"));
      String recorded = Files.readString(sums);
      Files.writeString(sums, recorded.replaceFirst("[0-9a-f]{64}", "0".repeat(64)));
      Run run;
      try {
        run = launch(Dist.dir().resolve("bin/sandbox-agent"), "-Xlog:aot=info:stdout", command, "--help");
      } finally {
        Files.writeString(sums, recorded);
      }
      assertThat(run.exitCode()).as(run.stderr()).isZero();
      assertThat(run.stdout()).as(command).doesNotContain("Opened AOT cache").contains("Usage: sandbox-agent " + command);
    }
  }

  @Test
  void launcherRunsTheHostMain() throws Exception {
    Run run = launch(Dist.dir().resolve("bin/sandbox-agent"), "");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("sandbox-agent " + Dist.version() + "\n");
  }

  @Test
  void launcherFindsItsInstallationThroughSymlinks(@TempDir Path temp) throws Exception {
    Path direct = Files.createSymbolicLink(temp.resolve("direct"), Dist.dir().resolve("bin/sandbox-agent"));
    Files.createDirectory(temp.resolve("bin"));
    Path relative = Files.createSymbolicLink(temp.resolve("bin/sandbox-agent"), Path.of("../direct"));

    Run run;
    try {
      run = launch(relative, "-XshowSettings:properties");
    } finally {
      // Removed here so that JUnit does not warn about links leaving the temporary directory.
      Files.delete(relative);
      Files.delete(direct);
    }

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("sandbox-agent " + Dist.version() + "\n");
    assertThat(run.stderr()).contains("sandbox.agent.home = " + Dist.dir().toRealPath());
  }

  /** Started by its bare name (`sh sandbox-agent` in bin/), the launcher still finds its installation. */
  @Test
  void launcherFindsItsInstallationFromABareName() throws Exception {
    ProcessBuilder builder = new ProcessBuilder("sh", "sandbox-agent", "--version")
        .directory(Dist.dir().resolve("bin").toFile()).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().remove("JAVA_OPTS");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).isEqualTo("sandbox-agent " + Dist.version() + "\n");
  }

  @Test
  void launcherLeavesOutItsCollectorWhenJavaOptsChooseOne() throws Exception {
    Run run = launch(Dist.dir().resolve("bin/sandbox-agent"), "-XX:+UseParallelGC");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("sandbox-agent " + Dist.version() + "\n");
  }

  private static Map<String, Integer> archiveFileModes() throws IOException {
    Map<String, Integer> modes = new HashMap<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(Dist.archive()));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        assertThat(entry.getName()).startsWith(Dist.archiveRoot() + "/");
        if (entry.isFile()) {
          modes.put(entry.getName(), entry.getMode() & 07777);
        }
      }
    }
    return modes;
  }

  private static Map<String, byte[]> archiveFiles() throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(Dist.archive()));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        if (entry.isFile()) {
          files.put(entry.getName(), tar.readAllBytes());
        }
      }
    }
    return files;
  }

  private static List<String> layoutFiles() throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(Dist.dir())) {
      walk.filter(Files::isRegularFile).forEach(f -> files.add(Dist.dir().relativize(f).toString()));
    }
    return files;
  }

  /** Runs {@code <launcher> --version} on the JDK running this test, with {@code JAVA_OPTS}. */
  private static Run launch(Path launcher, String javaOpts, String... args) throws Exception {
    return launch(launcher, Path.of(System.getProperty("java.home")), javaOpts, args);
  }

  private static Run launch(Path launcher, Path javaHome, String javaOpts, String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(launcher.toString());
    builder.command().addAll(args.length == 0 ? List.of("--version") : List.of(args));
    builder.environment().put("JAVA_HOME", javaHome.toString());
    builder.environment().put("JAVA_OPTS", javaOpts);
    builder.environment().remove("SANDBOX_AGENT_JAVA_OPTS");
    Path stderr = Files.createTempFile("launcher", ".stderr");
    try {
      Process process = builder.redirectError(stderr.toFile()).start();
      process.getOutputStream().close();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
      return new Run(process.exitValue(), stdout, Files.readString(stderr));
    } finally {
      Files.deleteIfExists(stderr);
    }
  }

  private record Run(int exitCode, String stdout, String stderr) {}
}
