package dev.sandboxagent.plugins.codex;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import org.pf4j.Extension;

/**
 * The Codex adapter. It describes the agent (capabilities, modes, permission modes); running
 * sessions of the real program is not part of this build yet, so {@link #open} refuses clearly.
 */
@Extension
public class CodexAdapter implements AgentAdapter {

  /** Codex turns end with a {@code turn.completed} status item, not with an assistant message. */
  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  private static final AgentDescriptor DESCRIPTOR = AgentDescriptor.builder("codex")
      .displayName("Codex")
      .capabilities(Capability.PLAN_MODE, Capability.PERMISSIONS, Capability.TOOL_CALLS, Capability.TOOL_RESULTS, Capability.TEXT_MESSAGES,
          Capability.IMAGES, Capability.FILE_ATTACHMENTS, Capability.SESSION_LIFECYCLE, Capability.ERROR_EVENTS, Capability.REASONING, Capability.STATUS,
          Capability.COMMAND_EXECUTION, Capability.FILE_CHANGES, Capability.MCP_TOOLS, Capability.STREAMING_DELTAS, Capability.ITEM_STARTED,
          Capability.SHARED_PROCESS)
      .mode("build", "Build", "Default build mode")
      .mode("plan", "Plan", "Planning mode via prompt prefix")
      .anyAgentMode(false)
      .permissionModes(PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS)
      .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public AgentSession open(SessionContext context) {
    throw new AgentException(AgentException.Kind.UNSUPPORTED, "Codex sessions are not available in this build");
  }
}
