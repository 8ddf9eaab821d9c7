package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * The state of an agent's shared server, shown as {@code serverStatus} in the agents listing.
 *
 * @param status {@code running}, {@code stopped} or {@code error}
 * @param baseUrl the server's base URL, or null
 * @param uptimeMs milliseconds since the current process started, or null when not running
 * @param restartCount 0 for the first start, one more for each later start
 * @param lastError the last failure, or null
 */
public record ServerStatus(String status, String baseUrl, Long uptimeMs, int restartCount, String lastError) {

  private static final Set<String> STATUSES = Set.of("running", "stopped", "error");

  /** Validates. */
  public ServerStatus {
    requireNonNull(status, "status is null");
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException("status must be running, stopped or error: " + status);
    }
  }

  /** A server that was never started. */
  public static ServerStatus stopped() {
    return new ServerStatus("stopped", null, null, 0, null);
  }
}
