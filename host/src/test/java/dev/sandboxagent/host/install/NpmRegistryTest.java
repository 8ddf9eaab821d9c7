package dev.sandboxagent.host.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm source against a registry served on loopback by the test, with tarballs built on the fly. */
class NpmRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  HttpServer server;
  String base;
  final AtomicInteger tarballRequests = new AtomicInteger();
  final List<String> authHeaders = new ArrayList<>();

  static byte[] tarball(String version) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      byte[] content = ("#!/bin/sh\necho tool " + version + "\n").getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry("package/bin/tool");
      entry.setMode(0755);
      entry.setSize(content.length);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  static String sri(byte[] data) throws Exception {
    return "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(data));
  }

  @BeforeEach
  void startRegistry() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    byte[] v100 = tarball("1.0.0");
    byte[] v110 = tarball("1.1.0");
    ObjectNode packument = JSON.createObjectNode();
    packument.put("name", "@acme/tool");
    packument.putObject("dist-tags").put("latest", "1.1.0").put("beta", "1.0.0");
    ObjectNode versions = packument.putObject("versions");
    versions.putObject("1.0.0").putObject("dist").put("tarball", base + "tarballs/tool-1.0.0.tgz")
        .put("shasum", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(v100)));
    versions.putObject("1.1.0").putObject("dist").put("tarball", base + "redirect/tool-1.1.0.tgz")
        .put("integrity", sri(v110));
    versions.putObject("6.6.6").putObject("dist").put("tarball", base + "tarballs/tool-1.0.0.tgz")
        .put("integrity", sri("something else".getBytes(StandardCharsets.UTF_8)));
    versions.putObject("7.0.0").putObject("dist").put("tarball", base + "truncated.tgz").put("integrity", sri(v110));
    versions.putObject("8.0.0").putObject("dist").put("tarball", base + "stall.tgz").put("integrity", sri(v110));
    byte[] packumentBytes = JSON.writeValueAsBytes(packument);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getRawPath();
      synchronized (authHeaders) {
        authHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      }
      switch (path) {
        case "/@acme%2Ftool" -> send(exchange, 200, packumentBytes);
        case "/tarballs/tool-1.0.0.tgz" -> {
          tarballRequests.incrementAndGet();
          send(exchange, 200, v100);
        }
        case "/redirect/tool-1.1.0.tgz" -> {
          exchange.getResponseHeaders().add("Location", "/tarballs/tool-1.1.0.tgz");
          send(exchange, 302, new byte[0]);
        }
        case "/tarballs/tool-1.1.0.tgz" -> send(exchange, 200, v110);
        case "/truncated.tgz" -> {
          exchange.sendResponseHeaders(200, v110.length);
          exchange.getResponseBody().write(v110, 0, v110.length / 2);
          exchange.getResponseBody().flush();
          exchange.close();
        }
        case "/stall.tgz" -> {
          exchange.sendResponseHeaders(200, v110.length);
          exchange.getResponseBody().write(v110, 0, 10);
          exchange.getResponseBody().flush();
          try {
            Thread.sleep(5_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        }
        default -> send(exchange, 404, "{\"error\":\"Not found\"}".getBytes(StandardCharsets.UTF_8));
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @AfterEach
  void stopRegistry() {
    server.stop(0);
  }

  private NpmRegistry registry(Duration stall) {
    return new NpmRegistry(URI.create(base), new Downloader(Duration.ofSeconds(5), stall), JSON, "npm-test-token");
  }

  @Test
  void resolvesLatestPinnedAndTaggedVersions() throws Exception {
    NpmRegistry npm = registry(Duration.ofSeconds(5));
    assertThat(npm.resolve("@acme/tool", null).version()).isEqualTo("1.1.0");
    assertThat(npm.resolve("@acme/tool", "1.0.0").version()).isEqualTo("1.0.0");
    assertThat(npm.resolve("@acme/tool", "beta").version()).isEqualTo("1.0.0");
    assertThatThrownBy(() -> npm.resolve("@acme/tool", "9.9.9")).hasMessageContaining("no version or dist-tag 9.9.9");
    assertThatThrownBy(() -> npm.resolve("@acme/missing", null)).hasMessageContaining("HTTP 404");
    assertThatThrownBy(() -> npm.resolve("../etc/passwd", null)).hasMessageContaining("invalid npm package name");
    assertThat(authHeaders).contains("Bearer npm-test-token");
  }

  @Test
  void downloadsVerifiesAndExtractsATarballThroughARedirect() throws Exception {
    NpmRegistry npm = registry(Duration.ofSeconds(5));
    List<Long> progress = new ArrayList<>();
    Path tgz = npm.download(npm.resolve("@acme/tool", null), tmp, (bytes, total) -> progress.add(bytes));
    assertThat(progress).isNotEmpty();
    new ArchiveExtractor().extract(tgz, tmp.resolve("x"));
    Path tool = tmp.resolve("x/package/bin/tool");
    assertThat(Files.readString(tool)).contains("tool 1.1.0");
    assertThat(Files.isExecutable(tool)).isTrue();
    Path sha1 = npm.download(npm.resolve("@acme/tool", "1.0.0"), tmp, Downloader.Progress.NONE);
    assertThat(sha1).exists();
  }

  @Test
  void refusesMismatchedTruncatedAndStalledDownloadsLeavingNothing() throws Exception {
    NpmRegistry npm = registry(Duration.ofMillis(500));
    assertThatThrownBy(() -> npm.download(npm.resolve("@acme/tool", "6.6.6"), tmp, Downloader.Progress.NONE))
        .isInstanceOf(DownloadException.class).hasMessageContaining("checksum mismatch");
    assertThatThrownBy(() -> npm.download(npm.resolve("@acme/tool", "7.0.0"), tmp, Downloader.Progress.NONE))
        .isInstanceOf(DownloadException.class);
    long start = System.nanoTime();
    assertThatThrownBy(() -> npm.download(npm.resolve("@acme/tool", "8.0.0"), tmp, Downloader.Progress.NONE))
        .isInstanceOf(DownloadException.class).hasMessageContaining("stalled");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    try (var files = Files.list(tmp)) {
      assertThat(files.toList()).as("no partial or unverified file left").isEmpty();
    }
  }

  @Test
  void takesTheRegistryFromFlagEnvironmentOrNpmrc() throws Exception {
    Files.writeString(tmp.resolve(".npmrc"), "; comment\nregistry = http://npmrc.example/\n");
    assertThat(NpmRegistry.configured("http://flag.example/", Map.of("npm_config_registry", "http://env.example/"), tmp))
        .hasToString("http://flag.example/");
    assertThat(NpmRegistry.configured(null, Map.of("npm_config_registry", "http://env.example/"), tmp))
        .hasToString("http://env.example/");
    assertThat(NpmRegistry.configured(null, Map.of(), tmp)).hasToString("http://npmrc.example/");
    assertThat(NpmRegistry.configured(null, Map.of(), tmp.resolve("nohome"))).isEqualTo(NpmRegistry.DEFAULT);
  }
}
