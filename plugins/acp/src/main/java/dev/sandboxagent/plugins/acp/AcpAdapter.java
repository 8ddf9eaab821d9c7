package dev.sandboxagent.plugins.acp;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.CredentialUse;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.api.SessionContext;
import java.util.List;

/**
 * One ACP agent of an entry: one agent process per session ({@link AcpSession}), spoken to in ACP
 * over its stdio. The daemon installs a native program from its npm platform package and a Node.js
 * program from its npm package with its dependencies; a program of neither kind is found on {@code
 * PATH}.
 */
final class AcpAdapter implements AgentAdapter {

  private final AcpAgentEntry entry;
  private final AgentDescriptor descriptor;

  AcpAdapter(AcpAgentEntry entry) {
    this.entry = requireNonNull(entry, "entry is null");
    this.descriptor = entry.descriptor();
  }

  /** The entry the adapter serves. */
  AcpAgentEntry entry() {
    return entry;
  }

  @Override
  public AgentDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public EventTranslator newTranslator() {
    return new AcpTranslator("");
  }

  /** A turn ends with its {@code turn.completed} status item, the answer to {@code session/prompt}. */
  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  @Override
  public List<InstallSource> installSources(Platform platform) {
    return entry.installSources(platform);
  }

  /** Called for a program the daemon does not install (no install source): says how to get it. */
  @Override
  public void install(InstallContext context) {
    throw new AgentException(AgentException.Kind.INSTALL_FAILED,
        entry.displayName() + " is not installed by the daemon on this platform: " + entry.installHint());
  }

  @Override
  public CredentialUse credentialUse() {
    return entry.credentials();
  }

  @Override
  public AgentSession open(SessionContext context) {
    return AcpSession.open(context, entry);
  }
}
