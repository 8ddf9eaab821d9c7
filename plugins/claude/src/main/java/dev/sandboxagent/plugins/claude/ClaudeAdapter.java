package dev.sandboxagent.plugins.claude;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.api.SessionContext;
import java.util.List;
import org.pf4j.Extension;

/**
 * The Claude Code adapter. For now it only describes the
 * agent: capabilities, agent modes and permission modes.
 * Unlike the reference, which stored every Claude session as {@code bypass},
 * it accepts {@code default}, {@code plan} and {@code bypass} as given (Claude gets real
 * human-in-the-loop). Running sessions of the real program is not part of this build, so {@link
 * #open} refuses clearly; it installs from npm or the vendor's bucket.
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

  /**
   * The native program from the npm platform package ({@code @anthropic-ai/claude-code-<platform>},
   * with its musl builds), else the vendor's release bucket (raw program; musl only for x64).
   */
  @Override
  public List<InstallSource> installSources(Platform platform) {
    String bucket = "https://storage.googleapis.com/claude-code-dist-86c565f3-f756-42ad-8dfa-d59b1c096819/"
        + "claude-code-releases/";
    String segment = platform.os() + "-" + platform.arch() + (platform.musl() && platform.arch().equals("x64") ? "-musl" : "");
    return List.of(
        new InstallSource.Npm("@anthropic-ai/claude-code", "@anthropic-ai/claude-code-" + platform.id(), "claude"),
        new InstallSource.Download(bucket + "{version}/" + segment + "/claude", null, bucket + "latest",
            InstallSource.Format.RAW, null));
  }

  /** Refuses: sessions of this agent are not available in this build. */
  @Override
  public AgentSession open(SessionContext context) {
    throw new AgentException(
        AgentException.Kind.UNSUPPORTED, "Claude Code sessions are not available in this build");
  }
}
