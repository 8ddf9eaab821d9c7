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
 * The Amp adapter. It describes the agent (capabilities, modes, permission modes); running
 * sessions of the real program is not part of this build yet, so {@link #open} refuses clearly.
 */
@Extension
public class AmpAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR = AgentDescriptor.builder("amp")
      .displayName("Amp")
      .capabilities(Capability.TOOL_CALLS, Capability.TOOL_RESULTS, Capability.TEXT_MESSAGES, Capability.ERROR_EVENTS)
      .mode("build", "Build", "Default build mode")
      .anyAgentMode(false)
      .permissionModes(PermissionMode.DEFAULT, PermissionMode.BYPASS)
      .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public AgentSession open(SessionContext context) {
    throw new AgentException(AgentException.Kind.UNSUPPORTED, "Amp sessions are not available in this build");
  }
}
