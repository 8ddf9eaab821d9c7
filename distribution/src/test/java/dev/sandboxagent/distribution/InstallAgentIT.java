package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox-agent install-agent} run as a process against an npm registry served by the test:
 * the real Codex plugin's sources, progress and final line, concurrent processes sharing one
 * download, a checksum mismatch keeping the previous install, and offline archives.
 */
@Timeout(180)
class InstallAgentIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TARGET = (System.getProperty("os.arch").contains("aarch64") ? "aarch64" : "x86_64")
      + "-unknown-linux-musl";
  private static final String PLATFORM_KEY = "@openai/codex-linux-"
      + (System.getProperty("os.arch").contains("aarch64") ? "arm64" : "x64");

  @TempDir Path work;
  HttpServer registry;
  final Map<String, byte[]> served = new ConcurrentHashMap<>();
  final AtomicInteger tarballDownloads = new AtomicInteger();
  volatile long tarballDelayMillis;

  record Run(int exit, String stdout, String stderr) {}

  @BeforeEach
  void startRegistry() throws IOException {
    registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    registry.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    registry.createContext("/", this::serve);
    registry.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + registry.getAddress().getPort() + "/";
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
    try (exchange) {
      byte[] body = served.get(path);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (path.endsWith(".tgz")) {
        tarballDownloads.incrementAndGet();
        Thread.sleep(tarballDelayMillis);
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    }
  }

  /** Publishes @openai/codex@version the way the real registry does: an npm: alias to a platform build. */
  private void publishCodex(String version, boolean corrupt) throws Exception {
    String platformVersion = version + "-linux-" + (TARGET.startsWith("x86_64") ? "x64" : "arm64");
    byte[] tgz = tarGz("package/vendor/" + TARGET + "/bin/codex", "#!/bin/sh\necho \"codex-cli " + version + "\"\n");
    String tarball = "/tarballs/codex-" + platformVersion + ".tgz";
    served.put(tarball, tgz);
    ObjectNode packument = JSON.createObjectNode();
    packument.putObject("dist-tags").put("latest", version);
    ObjectNode versions = packument.putObject("versions");
    ObjectNode main = versions.putObject(version);
    main.putObject("optionalDependencies").put(PLATFORM_KEY, "npm:@openai/codex@" + platformVersion);
    main.putObject("dist").put("tarball", base() + "tarballs/unused.tgz").put("shasum", "0".repeat(40));
    ObjectNode platform = versions.putObject(platformVersion);
    byte[] digest = MessageDigest.getInstance("SHA-512").digest(tgz);
    if (corrupt) {
      digest[0] ^= 1;
    }
    platform.putObject("dist").put("tarball", base() + tarball.substring(1))
        .put("integrity", "sha512-" + Base64.getEncoder().encodeToString(digest));
    served.put("/@openai/codex", JSON.writeValueAsBytes(packument));
  }

  private static byte[] tarGz(String path, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(path);
      entry.setMode(0755);
      entry.setSize(data.length);
      tar.putArchiveEntry(entry);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Dist.dir().resolve("bin/sandbox-agent").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--install-dir", work.resolve("install").toString(), "--npm-registry", base()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    pb.environment().put("XDG_DATA_HOME", work.resolve("data").toString());
    pb.environment().put("PATH", "/usr/bin:/bin");
    return pb.start();
  }

  private static Run finish(Process p) throws Exception {
    var out = p.getInputStream();
    var err = p.getErrorStream();
    var stderr = Executors.newVirtualThreadPerTaskExecutor().submit(() -> new String(err.readAllBytes(), StandardCharsets.UTF_8));
    String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), stdout, stderr.get(10, TimeUnit.SECONDS));
  }

  private Run run(String... args) throws Exception {
    return finish(start(args));
  }

  private String runProgram(Path program) throws Exception {
    Process p = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void installsCodexFromTheRegistryWithProgressAndAFinalLine() throws Exception {
    publishCodex("0.9.1", false);

    Run run = run("install-agent", "codex", "--install-sources", "npm");

    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr()).contains("resolving @openai/codex@latest on " + base())
        .contains("downloading @openai/codex@0.9.1-linux-");
    assertThat(run.stderr().strip().lines().reduce((a, b) -> b).orElseThrow())
        .matches("installed codex 0\\.9\\.1 at " + work.resolve("install/codex") + " from npm @openai/codex@0\\.9\\.1-linux-\\w+ in [0-9.]+ s");
    assertThat(runProgram(work.resolve("install/codex"))).isEqualTo("codex-cli 0.9.1");

    Run again = run("install-agent", "codex", "--install-sources", "npm");
    assertThat(again.exit()).isZero();
    assertThat(again.stderr()).contains("codex is already installed at " + work.resolve("install/codex"));
    assertThat(tarballDownloads.get()).isEqualTo(1);
  }

  @Test
  void twoProcessesInstallingAtOnceDownloadOnce() throws Exception {
    publishCodex("1.0.0", false);
    tarballDelayMillis = 1500;

    Process first = start("install-agent", "codex", "--install-sources", "npm");
    Process second = start("install-agent", "codex", "--install-sources", "npm");
    Run a = finish(first);
    Run b = finish(second);

    assertThat(a.exit()).as(a.stderr()).isZero();
    assertThat(b.exit()).as(b.stderr()).isZero();
    assertThat(tarballDownloads.get()).as("tarball downloads").isEqualTo(1);
    assertThat(List.of(a.stderr(), b.stderr())).filteredOn(s -> s.contains("is already installed")).hasSize(1);
    assertThat(runProgram(work.resolve("install/codex"))).isEqualTo("codex-cli 1.0.0");
  }

  @Test
  void aChecksumMismatchFailsAndKeepsTheInstalledVersion() throws Exception {
    publishCodex("1.0.0", false);
    assertThat(run("install-agent", "codex", "--install-sources", "npm").exit()).isZero();
    publishCodex("2.0.0", true);

    Run run = run("install-agent", "codex", "--reinstall", "--install-sources", "npm");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr()).contains("install failed: codex: npm @openai/codex: checksum mismatch");
    assertThat(runProgram(work.resolve("install/codex"))).isEqualTo("codex-cli 1.0.0");
  }

  @Test
  void pinsAVersionAndInstallsFromAnOfflineArchive() throws Exception {
    publishCodex("1.0.0", false);
    publishCodex("1.1.0", false);
    // the packument now only knows 1.1.0 (each publish replaces it); pinning an absent version fails clearly
    Run pinned = run("install-agent", "codex", "-A", "1.0.0", "--install-sources", "npm");
    assertThat(pinned.exit()).isEqualTo(1);
    assertThat(pinned.stderr()).contains("has no version or dist-tag 1.0.0");

    Path archive = work.resolve("claude-offline.tgz");
    Files.write(archive, tarGz("package/claude", "#!/bin/sh\necho '2.1.0 (Claude Code)'\n"));
    Run offline = run("install-agent", "claude", "--install-sources", "local", "--agent-archive", "claude=" + archive);
    assertThat(offline.exit()).as(offline.stderr()).isZero();
    assertThat(offline.stderr()).contains("installed claude local at " + work.resolve("install/claude") + " from local " + archive);
    assertThat(runProgram(work.resolve("install/claude"))).isEqualTo("2.1.0 (Claude Code)");
  }

  @Test
  void refusesArchivesWhoseLinksLeadOutOrThatExpandPastTheLimit() throws Exception {
    // a0 -> ., a1 -> a0/.. … a5 -> a4/..: each looks inside; from the staging tree a5 is the work directory.
    Path chain = work.resolve("claude-chain.tgz");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(chain)))) {
      for (int i = 0; i < 6; i++) {
        TarArchiveEntry link = new TarArchiveEntry("a" + i, TarArchiveEntry.LF_SYMLINK);
        link.setLinkName(i == 0 ? "." : "a" + (i - 1) + "/..");
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
      }
      tar.putArchiveEntry(new TarArchiveEntry("a5/ESCAPED/"));
      tar.closeArchiveEntry();
      byte[] program = "#!/bin/sh\necho '2.1.0 (Claude Code)'\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("package/claude");
      file.setMode(0755);
      file.setSize(program.length);
      tar.putArchiveEntry(file);
      tar.write(program);
      tar.closeArchiveEntry();
    }
    Run escaped = run("install-agent", "claude", "--install-sources", "local", "--agent-archive", "claude=" + chain);
    assertThat(escaped.exit()).isEqualTo(1);
    assertThat(escaped.stderr()).contains("symbolic link a1 points outside the target: a0/..");
    assertThat(work.resolve("ESCAPED")).doesNotExist();

    Path big = work.resolve("claude-big.tgz");
    Files.write(big, tarGz("package/claude", "#!/bin/sh\n" + "#".repeat(4096) + "\necho '2.1.0 (Claude Code)'\n"));
    Run tooBig = run("install-agent", "claude", "--install-sources", "local", "--agent-archive", "claude=" + big,
        "--max-archive-size", "1024");
    assertThat(tooBig.exit()).isEqualTo(1);
    assertThat(tooBig.stderr()).contains("archive expands to more than 1024 bytes (--max-archive-size)");
    assertThat(work.resolve("install/claude")).doesNotExist();
    Run fits = run("install-agent", "claude", "--install-sources", "local", "--agent-archive", "claude=" + big,
        "--max-archive-size", "8192", "--max-archive-entries", "1");
    assertThat(fits.exit()).as(fits.stderr()).isZero();
    assertThat(runProgram(work.resolve("install/claude"))).isEqualTo("2.1.0 (Claude Code)");
    assertThat(run("install-agent", "claude", "--max-archive-size", "0").exit()).isEqualTo(2);
  }

  @Test
  void refusesUnknownAgentsAndMissingArguments() throws Exception {
    Run unknown = run("install-agent", "nosuch");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("unsupported agent: nosuch");
    assertThat(run("install-agent").exit()).isEqualTo(2);
    Run badSources = run("install-agent", "codex", "--install-sources", "ftp");
    assertThat(badSources.exit()).isEqualTo(2);
    assertThat(badSources.stderr()).contains("unknown install source 'ftp' (expected local, npm, vendor)");
    Run mock = run("install-agent", "mock");
    assertThat(mock.exit()).as(mock.stderr()).isZero();
    assertThat(Files.readString(work.resolve("install/mock"))).isEqualTo("mock");
  }
}
