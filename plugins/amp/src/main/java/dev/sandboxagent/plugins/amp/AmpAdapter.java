package dev.sandboxagent.plugins.amp;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import org.pf4j.Extension;

/**
 * The Amp adapter (a new {@code amp} process per turn). For now it only describes the agent:
 * capabilities, agent modes and permission modes. Running sessions of the real program is not part of this build, so {@link #open} refuses
 * clearly; installing keeps the SPI default.
 */
@Extension
public class AmpAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("amp")
          .displayName("Amp")
          .capabilities(
              Capability.TOOL_CALLS,
              Capability.TOOL_RESULTS,
              Capability.TEXT_MESSAGES,
              Capability.ERROR_EVENTS)
          .mode("build", "Build", "Default build mode")
          .permissionModes(PermissionMode.DEFAULT, PermissionMode.BYPASS)
          .binaryName("amp")
          .builtin(false)
          .resumable(true)
          .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /** Refuses: sessions of this agent are not available in this build. */
  @Override
  public AgentSession open(SessionContext context) {
    throw new AgentException(
        AgentException.Kind.UNSUPPORTED, "Amp sessions are not available in this build");
  }
}
