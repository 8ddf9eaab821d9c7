package dev.sandboxagent.host.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own for a test: Debian's {@code initdb} and {@code pg_ctl} (from the
 * {@code postgresql} package) in a temporary directory, on a free loopback port, trusting local
 * connections. As root, the server runs as the {@code postgres} user, as PostgreSQL requires.
 */
final class PostgresCluster implements AutoCloseable {

  private final Path bin;
  private final Path base;
  private final Path data;
  private final int port;
  private final boolean asPostgres;

  private PostgresCluster(Path bin, Path base, int port, boolean asPostgres) {
    this.bin = bin;
    this.base = base;
    this.data = base.resolve("data");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** The newest installed PostgreSQL's programs, if any. */
  static Optional<Path> binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(b -> b.getParent().getFileName().toString(),
              Comparator.comparingInt(v -> v.matches("\\d+") ? Integer.parseInt(v) : 0)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Creates and starts a cluster with the programs in {@code bin}. */
  static PostgresCluster start(Path bin) throws Exception {
    Path base = Files.createTempDirectory("sandbox-agent-pg-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      UserPrincipal postgres = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(base, postgres);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PostgresCluster cluster = new PostgresCluster(bin, base, port, root);
    cluster.run("initdb", "-D", cluster.data.toString(), "-U", "postgres", "--auth=trust", "--no-sync",
        "-E", "UTF8", "--locale=C");
    cluster.start();
    return cluster;
  }

  /** Starts the server (again, on the same port). */
  void start() throws Exception {
    run("pg_ctl", "-D", data.toString(), "-l", base.resolve("server.log").toString(), "-w", "-t", "60",
        "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + base + " -c fsync=off", "start");
  }

  /** Stops the server at once, as an outage would. */
  void stop() throws Exception {
    run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
  }

  /** The URL the daemon is given. */
  String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  /** A connection for the test's own queries. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
  }

  private void run(String program, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if (asPostgres) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    Path log = base.resolve("command.log");
    Process p = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(program + " did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(program + " failed with " + p.exitValue() + ": " + Files.readString(log));
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (Exception e) {
      // already stopped
    }
    try (Stream<Path> files = Files.walk(base)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
