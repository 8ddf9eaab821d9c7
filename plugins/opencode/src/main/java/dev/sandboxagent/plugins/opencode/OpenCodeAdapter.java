package dev.sandboxagent.plugins.opencode;

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
 * The OpenCode adapter: one shared {@code opencode serve} ({@link OpenCodeServer}) for every
 * session, each session an OpenCode session of it ({@link OpenCodeSession}); permissions and
 * questions reach the client. Any OpenCode agent name is accepted as agent mode. It installs from
 * npm or the vendor's releases.
 */
@Extension
public class OpenCodeAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("opencode")
          .displayName("OpenCode")
          .listingOrder(300)
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

  /**
   * A translator for one session's server events; a session's own translator prefixes its status
   * item ids with its session id, which a translator made without a session has not.
   */
  @Override
  public EventTranslator newTranslator() {
    return new OpenCodeTranslator("");
  }

  /**
   * The native program from the npm platform package ({@code opencode-<platform>}, with its musl
   * builds), else the vendor's release archive (tar.gz on Linux, zip on macOS).
   */
  @Override
  public List<InstallSource> installSources(Platform platform) {
    String releases = "https://github.com/anomalyco/opencode/releases/";
    boolean linux = platform.os().equals("linux");
    String archive = "opencode-" + (linux ? platform.id() + ".tar.gz" : platform.id() + ".zip");
    return List.of(
        new InstallSource.Npm("opencode-ai", "opencode-" + platform.id(), "bin/opencode"),
        new InstallSource.Download(releases + "download/{version}/" + archive, releases + "latest/download/" + archive,
            null, linux ? InstallSource.Format.TAR_GZ : InstallSource.Format.ZIP, "opencode"));
  }

  /** Starts the shared server if needed, then an OpenCode session for this one. */
  @Override
  public AgentSession open(SessionContext context) {
    return OpenCodeSession.open(context);
  }

  @Override
  public CredentialUse credentialUse() {
    return OpenCodeCredentials.USE;
  }

  @Override
  public List<DiscoveredCredential> discoverCredentials(CredentialContext context) {
    return OpenCodeCredentials.discover(context);
  }
}
