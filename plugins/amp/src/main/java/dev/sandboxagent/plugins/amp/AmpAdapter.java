package dev.sandboxagent.plugins.amp;

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
import java.time.Duration;
import java.util.List;
import org.pf4j.Extension;

/**
 * The Amp adapter: a new {@code amp -x … --stream-json} process per message ({@link AmpSession}),
 * continuing the thread the first turn announced. Amp needs its vendor's service and a key
 * ({@code AMP_API_KEY}, {@code AMP_URL} pass through); without them a turn ends within seconds with
 * Amp's own message. It installs from npm or the vendor's bucket.
 */
@Extension
public class AmpAdapter implements AgentAdapter {

  private static final AgentDescriptor DESCRIPTOR =
      AgentDescriptor.builder("amp")
          .displayName("Amp")
          .listingOrder(400)
          .capabilities(
              Capability.TOOL_CALLS,
              Capability.TOOL_RESULTS,
              Capability.TEXT_MESSAGES,
              Capability.ERROR_EVENTS,
              Capability.REASONING,
              Capability.STATUS,
              Capability.ITEM_STARTED)
          .mode("build", "Build", "Default build mode")
          .permissionModes(PermissionMode.DEFAULT, PermissionMode.BYPASS)
          .binaryName("amp")
          .builtin(false)
          .resumable(true)
          // with no terminal Amp cannot wait for anything: two minutes of silence is a hang
          .idleTimeout(Duration.ofSeconds(120))
          .build();

  @Override
  public AgentDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /** The translator of a session's first turn, the first {@code amp} process. */
  @Override
  public EventTranslator newTranslator() {
    return new AmpTranslator("t1_");
  }

  /**
   * The native program from the npm platform package ({@code @ampcode/cli-<os>-<arch>}; the x64 build
   * serves musl systems too), else the vendor's bucket (raw program).
   */
  @Override
  public List<InstallSource> installSources(Platform platform) {
    String bucket = "https://storage.googleapis.com/amp-public-assets-prod-0/cli/";
    String segment = platform.os() + "-" + platform.arch();
    return List.of(
        new InstallSource.Npm("@ampcode/cli", "@ampcode/cli-" + segment, "amp"),
        new InstallSource.Download(bucket + "{version}/amp-" + segment, null, bucket + "cli-version.txt",
            InstallSource.Format.RAW, null));
  }

  /** A turn ends with its {@code turn.completed} status item: a tool turn has several messages. */
  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  /** Starts nothing yet: each message starts its own process. */
  @Override
  public AgentSession open(SessionContext context) {
    return new AmpSession(context);
  }

  @Override
  public CredentialUse credentialUse() {
    return AmpCredentials.USE;
  }

  @Override
  public List<DiscoveredCredential> discoverCredentials(CredentialContext context) {
    return AmpCredentials.discover(context);
  }
}
