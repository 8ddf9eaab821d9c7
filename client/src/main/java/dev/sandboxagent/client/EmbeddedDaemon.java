package dev.sandboxagent.client;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A daemon run for the caller: {@code bin/sandbox-agent server} on a free loopback port, its random
 * token passed in the environment ({@code SANDBOX_TOKEN}, never on the command line). Stopping it
 * sends SIGTERM — the daemon then stops every agent process it started — and kills it after a grace
 * period.
 */
public final class EmbeddedDaemon implements AutoCloseable {

  private final Process process;
  private final Duration grace;
  private final Path log;

  private EmbeddedDaemon(Process process, Duration grace, Path log) {
    this.process = process;
    this.grace = grace;
    this.log = log;
  }

  /** The daemon's process. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /**
   * Stops the daemon: SIGTERM, then a kill after the grace period; returns once its descendants
   * (agent processes and their children) are gone too, killing any the daemon left behind.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // The daemon stops its agents' processes before it exits; what is left is killed, and waited for.
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle p : descendants) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      try {
        p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        // still there after the grace period: nothing more can be done from here
      }
    }
  }

  /** Settings of an embedded daemon. */
  public static final class Builder {
    private final Path installation;
    private Path workDirectory;
    private final List<String> arguments = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Duration startTimeout = Duration.ofSeconds(60);
    private Duration grace = Duration.ofSeconds(20);

    Builder(Path installation) {
      this.installation = requireNonNull(installation, "installation is null");
    }

    /** The daemon's working directory, where its log ({@code daemon.log}) goes; a new temporary one by default. */
    public Builder workDirectory(Path value) {
      this.workDirectory = requireNonNull(value, "workDirectory is null");
      return this;
    }

    /** More {@code server} options, such as {@code --install-dir DIR}. */
    public Builder argument(String value) {
      arguments.add(requireNonNull(value, "argument is null"));
      return this;
    }

    /** An environment variable of the daemon. */
    public Builder environment(String name, String value) {
      environment.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
      return this;
    }

    /** How long to wait for the daemon to become healthy (60 s by default). */
    public Builder startTimeout(Duration value) {
      this.startTimeout = requireNonNull(value, "startTimeout is null");
      return this;
    }

    /** How long a stop waits after SIGTERM before killing (20 s by default). */
    public Builder grace(Duration value) {
      this.grace = requireNonNull(value, "grace is null");
      return this;
    }

    /** Starts the daemon and returns a client whose {@code close()} stops it. */
    public SandboxAgentClient start() {
      Path launcher = installation.toAbsolutePath().normalize().resolve("bin/sandbox-agent");
      if (!Files.isExecutable(launcher)) {
        throw new IllegalArgumentException("no sandbox-agent launcher at " + launcher);
      }
      try {
        Path dir = workDirectory != null ? workDirectory : Files.createTempDirectory("sandbox-agent-");
        Files.createDirectories(dir);
        Path log = dir.resolve("daemon.log");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          port = socket.getLocalPort();
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "server", "--host", "127.0.0.1",
            "--port", Integer.toString(port)));
        command.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(environment);
        pb.environment().put("SANDBOX_TOKEN", token);
        EmbeddedDaemon daemon = new EmbeddedDaemon(pb.start(), grace, log);
        SandboxAgentClient client = SandboxAgent.builder(URI.create("http://127.0.0.1:" + port)).token(token)
            .connectTimeout(Duration.ofSeconds(5)).build(daemon);
        try {
          daemon.awaitHealthy(client, startTimeout);
        } catch (RuntimeException e) {
          client.close();
          throw e;
        }
        return client;
      } catch (IOException e) {
        throw new SandboxAgentException("could not start the daemon from " + installation + ": " + e.getMessage(), e);
      }
    }
  }

  private void awaitHealthy(SandboxAgentClient client, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new SandboxAgentException("the daemon exited with " + process.exitValue() + "; its log: " + log, null);
      }
      try {
        client.health();
        // The health check needs no token: check the token with an authenticated call.
        client.sessions();
        return;
      } catch (DaemonUnreachableException e) {
        if (System.nanoTime() > deadline) {
          throw new SandboxAgentException("the daemon was not healthy in " + timeout + "; its log: " + log, e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SandboxAgentException("interrupted while starting the daemon", e);
      }
    }
  }
}
