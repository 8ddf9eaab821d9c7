package org.example.echoagent;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.pf4j.Extension;

/**
 * The echo agent: a program ({@code echo-agent}, shipped inside this JAR) that answers every
 * prompt over JSON lines. The host finds this class through pf4j's {@code @Extension} index.
 */
@Extension
public class EchoAgentAdapter implements AgentAdapter {

  static final String PROGRAM = "echo-agent";

  private static final AgentDescriptor DESCRIPTOR = AgentDescriptor.builder("echo")
      .displayName("Echo (example plugin)")
      .capabilities(Capability.TEXT_MESSAGES, Capability.STREAMING_DELTAS, Capability.ITEM_STARTED,
          Capability.STATUS, Capability.ERROR_EVENTS)
      .mode("build", "Build", "Echoes every prompt")
      .permissionModes(PermissionMode.DEFAULT)
      .binaryName(PROGRAM)
      .builtin(false)
      .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /** The translator a session uses for the program's output. */
  @Override
  public EventTranslator newTranslator() {
    return new EchoTranslator();
  }

  /** A turn ends with the {@code turn.completed} status item, not with the assistant's message. */
  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  /**
   * Installs the program from this JAR: written next to its final place, made executable, then
   * renamed over it, so a reader never sees half a program.
   */
  @Override
  public void install(InstallContext context) {
    Path target = context.installDir().resolve(PROGRAM);
    if (Files.isExecutable(target) && !context.reinstall()) {
      return;
    }
    Path staging = context.installDir().resolve("." + PROGRAM + ".installing");
    try (InputStream in = EchoAgentAdapter.class.getResourceAsStream(PROGRAM)) {
      if (in == null) {
        throw new AgentException(AgentException.Kind.INSTALL_FAILED, PROGRAM + " is missing from the plugin JAR");
      }
      Files.copy(in, staging, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(staging);
      } catch (IOException ignored) {
        // the next install replaces it
      }
      throw new AgentException(AgentException.Kind.INSTALL_FAILED, "cannot install " + PROGRAM + ": " + e, e);
    }
  }

  @Override
  public AgentSession open(SessionContext context) {
    return EchoSession.start(context);
  }
}
