package dev.sandboxagent.plugins.mock;

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
import java.util.EnumSet;
import org.pf4j.Extension;

/**
 * The scripted mock agent: no program, no credentials, a fixed script per message. It is what every
 * offline test and demo runs against, so its texts, ids, order and timing follow the contract exactly.
 */
@Extension
public class MockAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR = AgentDescriptor.builder("mock")
      .displayName("Mock")
      .capabilities(EnumSet.complementOf(EnumSet.of(Capability.SHARED_PROCESS)))
      .mode("build", "Build", "Mock agent for UI testing")
      .mode("plan", "Plan", "Plan-only mock mode")
      .permissionModes(PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS)
      .binaryName("mock")
      .builtin(true)
      .resumable(false)
      .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public AgentSession open(SessionContext context) {
    return new MockSession(context, MockSession.THREAD_SLEEP);
  }

  /** Writes the 4-byte placeholder file {@code mock} unless it exists. */
  @Override
  public void install(InstallContext context) {
    Path file = context.installDir().resolve("mock");
    try {
      Files.write(file, "mock".getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.CREATE_NEW);
    } catch (FileAlreadyExistsException e) {
      // already installed
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.INSTALL_FAILED, "io error: " + e.getMessage(), e);
    }
  }
}
