package dev.sandboxagent.host.agent;

import dev.sandboxagent.host.install.InstallFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where agents keep their own state (conversations, settings, caches): one directory per agent and
 * sharing scope, so tenants never share one. A durable daemon keeps them under its data directory,
 * so agents continue their conversations after a restart; an ephemeral one in a temporary
 * directory made on first use and removed by {@link #close}. Thread-safe.
 */
public final class AgentStateDirectories implements AutoCloseable {

  /** The directory of the sessions without a tenant; tenant ids start with a letter or digit. */
  static final String DEFAULT_SCOPE = "_default";

  private final Path root;
  private final boolean temporary;
  private Path made;

  private AgentStateDirectories(Path root, boolean temporary) {
    this.root = root;
    this.temporary = temporary;
  }

  /** Directories under {@code root}, kept. */
  public static AgentStateDirectories under(Path root) {
    return new AgentStateDirectories(root.toAbsolutePath(), false);
  }

  /** Directories in a temporary directory, made on first use and removed on {@link #close}. */
  public static AgentStateDirectories temporary() {
    return new AgentStateDirectories(null, true);
  }

  /**
   * The directory of {@code agent}'s state for the sessions of {@code scope} ("" for those without
   * a tenant), created if missing.
   *
   * @throws UncheckedIOException when it cannot be created
   */
  public Path directory(String agent, String scope) {
    Path dir = root().resolve(agent).resolve(scope.isEmpty() ? DEFAULT_SCOPE : scope);
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the state directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private synchronized Path root() {
    if (!temporary) {
      return root;
    }
    if (made == null) {
      try {
        made = Files.createTempDirectory("sandbox-agent-state-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary state directory: " + e.getMessage(), e);
      }
    }
    return made;
  }

  /** Removes the temporary directory, if one was made; kept directories stay. */
  @Override
  public synchronized void close() {
    if (made == null) {
      return;
    }
    InstallFiles.deleteTree(made);
    made = null;
  }
}
