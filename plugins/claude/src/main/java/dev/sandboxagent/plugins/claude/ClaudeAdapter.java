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
 * The Claude Code adapter. For now it only describes the
 * agent: capabilities, agent modes and permission modes.
 * Unlike the reference, which stored every Claude session as {@code bypass},
 * it accepts {@code default}, {@code plan} and {@code bypass} as given (Claude gets real
 * human-in-the-loop). Running sessions of the real program is not part of this build, so {@link
 * #open} refuses clearly; installing keeps the SPI default.
 */
@Extension
public class ClaudeAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("claude")
          .displayName("Claude Code")
          .capabilities(Capability.TEXT_MESSAGES)
          .mode("build", "Build", "Default build mode")
          .mode("plan", "Plan", "Plan mode (prompt-only)")
          .permissionModes(PermissionMode.DEFAULT, PermissionMode.PLAN, PermissionMode.BYPASS)
          .binaryName("claude")
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
        AgentException.Kind.UNSUPPORTED, "Claude Code sessions are not available in this build");
  }
}
