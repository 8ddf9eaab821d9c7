package dev.sandboxagent.plugins.codex;

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
 * The Codex adapter: one shared {@code codex app-server} ({@link CodexServer}) for every session,
 * each session a thread of it ({@link CodexSession}); approvals reach the client as permission
 * requests. It installs from npm or the vendor's releases.
 */
@Extension
public class CodexAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("codex")
          .displayName("Codex")
          .listingOrder(200)
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
   * A translator for one thread's notifications; a session's own translator prefixes its status
   * item ids with its session id, which a translator made without a session has not.
   */
  @Override
  public EventTranslator newTranslator() {
    return new CodexTranslator("");
  }

  /**
   * The native program from the npm platform package ({@code @openai/codex-<os>-<arch>}, statically
   * linked with musl on Linux, so one build serves glibc and musl; its helper programs come along),
   * else the vendor's release archive.
   */
  @Override
  public List<InstallSource> installSources(Platform platform) {
    String target = platform.rustTarget(true);
    String releases = "https://github.com/openai/codex/releases/";
    String archive = "codex-" + target + ".tar.gz";
    return List.of(
        new InstallSource.Npm("@openai/codex", "@openai/codex-" + platform.os() + "-" + platform.arch(),
            "vendor/" + target + "/bin/codex"),
        new InstallSource.Download(releases + "download/{version}/" + archive, releases + "latest/download/" + archive,
            null, InstallSource.Format.TAR_GZ, "codex-" + target));
  }

  /**
   * Returns false: a Codex turn may hold several assistant messages and ends only with its
   * {@code turn.completed} status item.
   */
  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  /** Starts the shared app-server if needed, then a thread for the session. */
  @Override
  public AgentSession open(SessionContext context) {
    return CodexSession.open(context);
  }

  @Override
  public CredentialUse credentialUse() {
    return CodexCredentials.USE;
  }

  @Override
  public List<DiscoveredCredential> discoverCredentials(CredentialContext context) {
    return CodexCredentials.discover(context);
  }
}
