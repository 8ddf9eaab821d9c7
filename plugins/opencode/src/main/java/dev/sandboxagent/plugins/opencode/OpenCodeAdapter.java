package dev.sandboxagent.plugins.opencode;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import org.pf4j.Extension;

/**
 * The OpenCode adapter (one shared {@code opencode serve} for all sessions). For now it only
 * describes the agent: capabilities, the static fallback list of agent modes
 * (any OpenCode agent name is accepted as agent mode) and its only permission
 * mode, {@code default}. Running sessions of the real program is not part of
 * this build, so {@link #open} refuses clearly; installing keeps the SPI default.
 */
@Extension
public class OpenCodeAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("opencode")
          .displayName("OpenCode")
          .capabilities(
              Capability.TOOL_CALLS,
              Capability.TOOL_RESULTS,
              Capability.TEXT_MESSAGES,
              Capability.IMAGES,
              Capability.FILE_ATTACHMENTS,
              Capability.SESSION_LIFECYCLE,
              Capability.ERROR_EVENTS,
              Capability.STATUS,
              Capability.STREAMING_DELTAS,
              Capability.ITEM_STARTED,
              Capability.SHARED_PROCESS)
          .mode("build", "Build", "Default build mode")
          .mode("plan", "Plan", "Planning mode")
          .mode("custom", "Custom", "Any user-defined OpenCode agent name")
          .anyAgentMode(true)
          .permissionModes(PermissionMode.DEFAULT)
          .binaryName("opencode")
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
        AgentException.Kind.UNSUPPORTED, "OpenCode sessions are not available in this build");
  }
}
