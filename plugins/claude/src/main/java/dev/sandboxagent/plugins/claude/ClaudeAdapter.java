package dev.sandboxagent.plugins.claude;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.api.SessionContext;
import java.util.List;
import org.pf4j.Extension;

/**
 * The Claude Code adapter: one long-lived {@code claude} process per session in stream-json mode
 * with the stdio permission-prompt tool ({@link ClaudeSession}), so permission requests and
 * questions reach the client. Unlike the reference, which stored every Claude session as {@code
 * bypass}, it accepts {@code default} (ask the client), {@code plan} and {@code bypass} as given.
 * It installs from npm or the vendor's bucket.
 */
@Extension
public class ClaudeAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("claude")
          .displayName("Claude Code")
          .listingOrder(100)
          .capabilities(
              Capability.PLAN_MODE,
              Capability.PERMISSIONS,
              Capability.QUESTIONS,
              Capability.TOOL_CALLS,
              Capability.TOOL_RESULTS,
              Capability.TEXT_MESSAGES,
              Capability.IMAGES,
              Capability.FILE_ATTACHMENTS,
              Capability.ERROR_EVENTS,
              Capability.REASONING,
              Capability.STATUS,
              Capability.STREAMING_DELTAS,
              Capability.ITEM_STARTED)
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

  /** The translator of a session's first {@code claude} process, whose ids take no prefix. */
  @Override
  public EventTranslator newTranslator() {
    return new ClaudeTranslator("");
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

  /** A turn ends with its {@code turn.completed} status item: a tool turn has several messages. */
  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  /** Starts nothing yet: the process starts with the first message. */
  @Override
  public AgentSession open(SessionContext context) {
    return new ClaudeSession(context, ClaudeTranslator::new);
  }

  @Override
  public CredentialUse credentialUse() {
    return ClaudeCredentials.USE;
  }

  @Override
  public List<DiscoveredCredential> discoverCredentials(CredentialContext context) {
    return ClaudeCredentials.discover(context);
  }
}
