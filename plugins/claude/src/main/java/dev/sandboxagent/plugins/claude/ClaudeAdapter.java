package dev.sandboxagent.plugins.claude;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.SessionContext;
import org.pf4j.Extension;

/**
 * The Claude Code adapter. It describes the agent (capabilities, modes, permission modes); running
 * sessions of the real program is not part of this build yet, so {@link #open} refuses clearly.
 */
@Extension
public class ClaudeAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR = AgentDescriptor.builder("claude")
      .displayName("Claude Code")
      .capabilities(Capability.TEXT_MESSAGES)
      .mode("build", "Build", "Default build mode")
      .mode("plan", "Plan", "Plan mode (prompt-only)")
      .anyAgentMode(false)
      .permissionModes(PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS)
      .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public AgentSession open(SessionContext context) {
    throw new AgentException(AgentException.Kind.UNSUPPORTED, "Claude Code sessions are not available in this build");
  }
}
