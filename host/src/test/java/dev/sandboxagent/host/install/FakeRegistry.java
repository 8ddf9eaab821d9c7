package dev.sandboxagent.host.install;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * An npm registry and a vendor download site served on loopback: packuments, tarballs built on the
 * fly, raw files, and the failure modes an install must survive (404, wrong checksum, truncated
 * body, a server that stalls).
 */
final class FakeRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a file is served. */
  enum Mode { NORMAL, NOT_FOUND, TRUNCATED, STALL }

  /** One entry of a tarball: path, content, mode, or a symlink target. */
  record Entry(String path, String content, int mode, String linkTarget) {
    static Entry file(String path, String content, int mode) {
      return new Entry(path, content, mode, null);
    }

    static Entry link(String path, String target) {
      return new Entry(path, null, 0777, target);
    }
  }

  private final HttpServer server;
  private final Map<String, ObjectNode> packuments = new ConcurrentHashMap<>();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger downloads = new AtomicInteger();
  volatile long downloadDelayMillis;

  FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** Publishes {@code name@version} built from {@code entries}; returns the tarball bytes. */
  byte[] publish(String name, String version, Map<String, String> optionalDependencies, List<Entry> entries)
      throws IOException {
    return publish(name, version, optionalDependencies, Map.of(), Map.of(), entries);
  }

  /**
   * Publishes a Node.js package {@code name@version} with {@code dependencies} and {@code bin}
   * (program name to file); its {@code package/package.json} is written from them, beside {@code
   * entries}.
   */
  byte[] publishNode(String name, String version, Map<String, String> dependencies, Map<String, String> bin,
      List<Entry> entries) throws IOException {
    ObjectNode manifest = JSON.createObjectNode().put("name", name).put("version", version);
    dependencies.forEach(manifest.putObject("dependencies")::put);
    bin.forEach(manifest.putObject("bin")::put);
    List<Entry> all = new ArrayList<>(entries);
    all.add(Entry.file("package/package.json", JSON.writeValueAsString(manifest), 0644));
    return publish(name, version, Map.of(), dependencies, bin, all);
  }

  private byte[] publish(String name, String version, Map<String, String> optionalDependencies,
      Map<String, String> dependencies, Map<String, String> bin, List<Entry> entries) throws IOException {
    byte[] tgz = tarGz(entries);
    String file = "tarballs/" + name.replace("/", "_") + "-" + version + ".tgz";
    files.put("/" + file, tgz);
    ObjectNode packument = packuments.computeIfAbsent(name, n -> {
      ObjectNode p = JSON.createObjectNode();
      p.put("name", n);
      p.putObject("dist-tags");
      p.putObject("versions");
      return p;
    });
    synchronized (packument) {
      ObjectNode manifest = ((ObjectNode) packument.get("versions")).putObject(version);
      manifest.put("name", name);
      manifest.put("version", version);
      ObjectNode optional = manifest.putObject("optionalDependencies");
      optionalDependencies.forEach(optional::put);
      if (!dependencies.isEmpty()) {
        dependencies.forEach(manifest.putObject("dependencies")::put);
      }
      if (!bin.isEmpty()) {
        bin.forEach(manifest.putObject("bin")::put);
      }
      ObjectNode dist = manifest.putObject("dist");
      dist.put("tarball", base() + file);
      dist.put("integrity", "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", tgz)));
      ((ObjectNode) packument.get("dist-tags")).put("latest", version);
    }
    return tgz;
  }

  /** Publishes a main package pointing at one platform package that holds {@code entries}. */
  void publishWithPlatform(String name, String platformKey, String version, List<Entry> entries) throws IOException {
    publish(platformKey, version, Map.of(), entries);
    publish(name, version, Map.of(platformKey, version), List.of(Entry.file("package/package.json",
        "{\"name\":\"" + name + "\",\"version\":\"" + version + "\"}", 0644)));
  }

  /** Replaces the published integrity of {@code name@version} with a wrong one. */
  void corruptIntegrity(String name, String version) {
    ObjectNode dist = (ObjectNode) packuments.get(name).get("versions").get(version).get("dist");
    dist.put("integrity", "sha512-" + Base64.getEncoder().encodeToString(new byte[64]));
  }

  /** Serves a raw file at {@code path} (e.g. {@code /vendor/1.0/tool}). */
  void put(String path, byte[] content) {
    files.put(path, content);
  }

  /** Serves the tarball(s) or file whose path contains {@code fragment} in this mode. */
  void mode(String fragment, Mode mode) {
    modes.put(fragment, mode);
  }

  private Mode modeFor(String path) {
    return modes.entrySet().stream().filter(e -> path.contains(e.getKey())).map(Map.Entry::getValue).findFirst()
        .orElse(Mode.NORMAL);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String raw = exchange.getRequestURI().getRawPath();
    requests.add(raw);
    String path = URLDecoder.decode(raw, StandardCharsets.UTF_8);
    try (exchange) {
      Mode mode = modeFor(path);
      if (mode == Mode.NOT_FOUND) {
        send(exchange, 404, "{\"error\":\"Not found\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] file = files.get(path);
      if (file != null) {
        downloads.incrementAndGet();
        if (downloadDelayMillis > 0) {
          sleep(downloadDelayMillis);
        }
        if (mode == Mode.STALL) {
          exchange.sendResponseHeaders(200, file.length);
          exchange.getResponseBody().write(file, 0, Math.min(10, file.length));
          exchange.getResponseBody().flush();
          sleep(60_000);
          return;
        }
        if (mode == Mode.TRUNCATED) {
          exchange.sendResponseHeaders(200, file.length);
          exchange.getResponseBody().write(file, 0, file.length / 2);
          return;
        }
        send(exchange, 200, file);
        return;
      }
      String name = path.substring(1);
      ObjectNode packument = packuments.get(name);
      if (packument == null) {
        send(exchange, 404, "{\"error\":\"Not found\"}".getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] body;
      synchronized (packument) {
        body = JSON.writeValueAsBytes(packument);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      send(exchange, 200, body);
    } catch (IOException e) {
      // the client went away (timeouts are part of the tests)
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static byte[] tarGz(List<Entry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        if (e.linkTarget() != null) {
          TarArchiveEntry entry = new TarArchiveEntry(e.path(), TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName(e.linkTarget());
          tar.putArchiveEntry(entry);
        } else {
          byte[] content = e.content().getBytes(StandardCharsets.UTF_8);
          TarArchiveEntry entry = new TarArchiveEntry(e.path(), true);
          entry.setMode(e.mode());
          entry.setSize(content.length);
          tar.putArchiveEntry(entry);
          tar.write(content);
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> deps(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
