package dev.sandboxagent.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Entry point of the Java client: {@link #connect} to a running daemon, or {@link #start} one of
 * your own from an installation directory.
 */
public final class SandboxAgent {

  private SandboxAgent() {}

  /** A client of the daemon at {@code endpoint} sending {@code token} (null for a {@code --no-token} daemon). */
  public static SandboxAgentClient connect(URI endpoint, String token) {
    return builder(endpoint).token(token).build();
  }

  /** A client of a {@code --no-token} daemon. */
  public static SandboxAgentClient connect(URI endpoint) {
    return connect(endpoint, null);
  }

  /** A client builder, to set the token and the timeouts once. */
  public static Builder builder(URI endpoint) {
    return new Builder(endpoint);
  }

  /**
   * Starts a daemon from an installation directory (the distribution's layout, with
   * {@code bin/sandbox-agent}) on a free loopback port with a random token, waits until it is
   * healthy, and returns a client of it; closing the client stops the daemon and every agent process
   * it started.
   */
  public static SandboxAgentClient start(Path installation) {
    return embedded(installation).start();
  }

  /** An embedded daemon with more settings (data directory, extra arguments and environment). */
  public static EmbeddedDaemon.Builder embedded(Path installation) {
    return new EmbeddedDaemon.Builder(installation);
  }

  /** Settings of a client: the token and the timeouts. */
  public static final class Builder {
    private final URI endpoint;
    private String token;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofMinutes(5);

    private Builder(URI endpoint) {
      this.endpoint = requireNonNull(endpoint, "endpoint is null");
    }

    /** The bearer token, or null for none. */
    public Builder token(String value) {
      this.token = value;
      return this;
    }

    /** How long establishing a connection may take (10 s by default). */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = requireNonNull(value, "connectTimeout is null");
      return this;
    }

    /**
     * How long a call may wait for the daemon's answer (5 min by default, as installs download);
     * for streams this bounds the wait for the first byte of the answer, not the stream's life.
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = requireNonNull(value, "requestTimeout is null");
      return this;
    }

    /** The client. */
    public SandboxAgentClient build() {
      return new SandboxAgentClient(endpoint, token, connectTimeout, requestTimeout, null);
    }

    SandboxAgentClient build(AutoCloseable owned) {
      return new SandboxAgentClient(endpoint, token, connectTimeout, requestTimeout, owned);
    }
  }
}
