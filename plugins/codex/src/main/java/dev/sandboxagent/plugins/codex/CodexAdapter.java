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
 * The Codex adapter (one shared {@code codex app-server} for all sessions). For now it only
 * describes the agent: capabilities, agent modes and permission
 * modes. Running sessions of the real program is not part of this build, so
 * {@link #open} refuses clearly; installing keeps the SPI default.
 */
@Extension
public class CodexAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("codex")
          .displayName("Codex")
          .capabilities(
              Capability.PLAN_MODE,
              Capability.PERMISSIONS,
              Capability.TOOL_CALLS,
              Capability.TOOL_RESULTS,
              Capability.TEXT_MESSAGES,
              Capability.IMAGES,
              Capability.FILE_ATTACHMENTS,
              Capability.SESSION_LIFECYCLE,
              Capability.ERROR_EVENTS,
              Capability.REASONING,
              Capability.STATUS,
              Capability.COMMAND_EXECUTION,
              Capability.FILE_CHANGES,
              Capability.MCP_TOOLS,
              Capability.STREAMING_DELTAS,
              Capability.ITEM_STARTED,
              Capability.SHARED_PROCESS)
          .mode("build", "Build", "Default build mode")
          .mode("plan", "Plan", "Planning mode via prompt prefix")
          .permissionModes(PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS)
          .binaryName("codex")
          .builtin(false)
          .resumable(true)
          .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /**
   * Returns false: a Codex turn may hold several assistant messages and ends only with its
   * {@code turn.completed} status item.
   */
  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  /** Refuses: sessions of this agent are not available in this build. */
  @Override
  public AgentSession open(SessionContext context) {
    throw new AgentException(
        AgentException.Kind.UNSUPPORTED, "Codex sessions are not available in this build");
  }
}
