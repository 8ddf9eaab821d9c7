package dev.sandboxagent.plugins.mock;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import org.pf4j.Extension;

/**
 * The scripted mock agent: no program, no credentials, a fixed script per message.
 * Every offline test and the inspector's demo mode run against it, so its texts, ids, order and
 * timing follow the contract exactly. Agent and permission modes are accepted and ignored.
 */
@Extension
public class MockAdapter implements AgentAdapter {

  /** The placeholder file {@link #install} writes. */
  static final String PLACEHOLDER = "mock";

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("mock")
          .displayName("Mock")
          .listingOrder(500)
          .capabilities(EnumSet.complementOf(EnumSet.of(Capability.SHARED_PROCESS)))
          .mode("build", "Build", "Mock agent for UI testing")
          .mode("plan", "Plan", "Plan-only mock mode")
          .permissionModes(PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS)
          .binaryName(PLACEHOLDER)
          .builtin(true)
          .resumable(false)
          .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /**
   * Returns a session whose native id is {@code mock-<session id>}. Emits nothing: the host records
   * {@code session.started} itself (the mock's own one would be discarded anyway).
   */
  @Override
  public AgentSession open(SessionContext context) {
    return new MockSession(context, MockSession.THREAD_SLEEP);
  }

  /**
   * Writes the 4-byte placeholder file {@code mock} containing {@code mock} unless it already
   * exists, whatever {@link InstallContext#reinstall()} says.
   */
  @Override
  public void install(InstallContext context) {
    requireNonNull(context, "context is null");
    Path file = context.installDir().resolve(PLACEHOLDER);
    try {
      Files.write(file, PLACEHOLDER.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      // Already installed; an existing file is never replaced.
    } catch (IOException e) {
      throw new AgentException(
          AgentException.Kind.INSTALL_FAILED, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
