package dev.sandboxagent.api;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * The entry point of an agent plugin: one {@code @Extension} per agent.
 *
 * <p>The host creates one instance per loaded plugin and calls it from request threads
 * concurrently, so implementations keep no per-session state (that lives in the {@link
 * AgentSession} each {@link #open} returns).
 */
public interface AgentAdapter extends ExtensionPoint {

  /**
   * Describes the agent. Called once when the plugin is loaded; the result must not change.
   */
  AgentDescriptor descriptor();

  /**
   * Opens a session: does whatever the agent needs before the first message (a native session on
   * a shared server, for instance) and returns the handle the host drives. Called on a request
   * thread once per created session, after the host has validated modes and made sure the agent is
   * installed. The session's {@code session.started} event is recorded by the host after this
   * returns.
   *
   * @throws AgentException when the session cannot be opened; nothing is recorded then
   */
  AgentSession open(SessionContext context);

  /**
   * A translator for a new conversation, the one a fresh session's first process would use; null
   * for agents whose output is not lines (a builtin agent). The host does not call it: it lets
   * tests, such as the test kit's golden files, translate recordings of the agent's output exactly
   * as a session would. The default is null.
   *
   * @since 1.1
   */
  default EventTranslator newTranslator() {
    return null;
  }

  /**
   * Lists the agent modes for {@code GET /v1/agents/{agent}/modes}. Called on a request thread;
   * must not fail (fall back to {@link AgentDescriptor#modes()}). The default returns the
   * descriptor's modes.
   */
  default List<AgentMode> listModes(InstallContext context) {
    return descriptor().modes();
  }

  /**
   * Whether an assistant message's {@code item.completed} ends a one-turn stream
   * ({@code POST …/messages/stream}). Agents that send several assistant messages per turn and
   * close it with a {@code turn.completed} status item return false. The default is true.
   */
  default boolean assistantMessageEndsTurn() {
    return true;
  }

  /**
   * The state of the agent's shared server, for agents that run one for all sessions; the default
   * reports a server that was never started.
   */
  default ServerStatus serverStatus() {
    return ServerStatus.stopped();
  }

  /**
   * The state of the shared server of one sharing scope (see {@link SessionContext#sharingScope()});
   * the default is {@link #serverStatus()}, for plugins that keep one server whatever the scope.
   */
  default ServerStatus serverStatus(String scope) {
    return serverStatus();
  }

  /**
   * Where the agent's program can be installed from on {@code platform}, in the adapter's order of
   * preference (the user's configuration may reorder or disable kinds of sources). When this is not
   * empty the host installs from these sources and {@link #install} is not called. The default is
   * empty.
   */
  default List<InstallSource> installSources(Platform platform) {
    return List.of();
  }

  /**
   * Installs the agent's program into {@link InstallContext#installDir()} when the adapter lists no
   * {@link #installSources}. Called on a request or CLI thread, at most once at a time per agent.
   * The default reports that the plugin cannot install its agent.
   *
   * @throws AgentException of kind {@link AgentException.Kind#INSTALL_FAILED} on failure
   */
  default void install(InstallContext context) {
    throw new AgentException(
        AgentException.Kind.INSTALL_FAILED, "no install source for " + descriptor().id());
  }

  /**
   * Which providers' credentials the agent works with, and the variables its processes read them
   * from (since SPI 1.1). The default is {@link CredentialUse#NONE}.
   */
  default CredentialUse credentialUse() {
    return CredentialUse.NONE;
  }

  /**
   * The credentials the agent's own configuration files hold under {@link CredentialContext#home()}
   * (since SPI 1.1), in order of preference; the host reads the environment itself. Called before
   * every session's agent process starts and by {@code sandbox-agent credentials}, on any thread. A
   * missing, unreadable or malformed file is skipped: this never throws for one. The default finds
   * nothing.
   */
  default List<DiscoveredCredential> discoverCredentials(CredentialContext context) {
    return List.of();
  }
}
