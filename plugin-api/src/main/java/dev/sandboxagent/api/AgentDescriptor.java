package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an adapter says about its agent. Immutable; built with {@link #builder(String)}.
 *
 * @param id the agent id used on the wire (lower-case letters, digits, {@code -} and {@code _})
 * @param displayName a human-readable name
 * @param capabilities what the agent can do (copied)
 * @param modes the agent modes, in listing order; unless {@code anyAgentMode}, the only accepted
 *     {@code agentMode} values. The first one is not special: the default agent mode is always
 *     {@code build}
 * @param anyAgentMode whether any string is accepted as {@code agentMode}
 * @param permissionModes the accepted permission modes
 * @param binaryName the file name of the agent's program, looked up in the install directory and on
 *     {@code PATH}
 * @param builtin whether the agent runs inside the daemon and needs no program (it is then always
 *     installed and its version is {@code builtin})
 * @param resumable whether the agent's own end-of-session records are ignored because a session can
 *     go on after them; false only for agents whose native end really ends the conversation
 * @param listingOrder where the agent comes in {@code GET /v1/agents}: lower first, ties by id
 * @param idleTimeout how long a turn may go without any output from the agent, while no question or
 *     permission awaits the user, before the host ends it with an {@code idle_timeout} error (since
 *     SPI 1.1; see {@link SessionContext#startAgentProcess}). The daemon's environment variable
 *     {@code SANDBOX_AGENT_<ID>_IDLE_TIMEOUT} (seconds; the id upper-cased, {@code -} as {@code _})
 *     overrides it
 */
public record AgentDescriptor(
    String id,
    String displayName,
    Set<Capability> capabilities,
    List<AgentMode> modes,
    boolean anyAgentMode,
    Set<PermissionMode> permissionModes,
    String binaryName,
    boolean builtin,
    boolean resumable,
    int listingOrder,
    Duration idleTimeout) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  /** The listing order of an agent that sets none: after every agent that does. */
  public static final int DEFAULT_LISTING_ORDER = 1000;
  /** The default idle timeout: longer than the longest tool call agents allow (10 minutes). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(660);

  /** Validates and copies. */
  public AgentDescriptor {
    requireNonNull(id, "id is null");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid agent id: " + id);
    }
    requireNonNull(displayName, "displayName is null");
    capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
    modes = List.copyOf(modes);
    permissionModes = Set.copyOf(permissionModes);
    if (permissionModes.isEmpty()) {
      throw new IllegalArgumentException("an agent accepts at least one permission mode");
    }
    requireNonNull(binaryName, "binaryName is null");
    requireNonNull(idleTimeout, "idleTimeout is null");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive");
    }
  }

  /** The SPI 1.0 constructor: the default listing order and idle timeout. */
  public AgentDescriptor(
      String id, String displayName, Set<Capability> capabilities, List<AgentMode> modes, boolean anyAgentMode,
      Set<PermissionMode> permissionModes, String binaryName, boolean builtin, boolean resumable) {
    this(id, displayName, capabilities, modes, anyAgentMode, permissionModes, binaryName, builtin, resumable,
        DEFAULT_LISTING_ORDER, DEFAULT_IDLE_TIMEOUT);
  }

  /** Whether the agent has this capability. */
  public boolean has(Capability capability) {
    return capabilities.contains(capability);
  }

  /** Whether {@code agentMode} is accepted. */
  public boolean acceptsAgentMode(String agentMode) {
    return anyAgentMode || modes.stream().anyMatch(m -> m.id().equals(agentMode));
  }

  /** Starts a descriptor for the agent {@code id}; the binary name defaults to the id. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Builder for {@link AgentDescriptor}. */
  public static final class Builder {
    private final String id;
    private String displayName;
    private final EnumSet<Capability> capabilities = EnumSet.noneOf(Capability.class);
    private final List<AgentMode> modes = new ArrayList<>();
    private boolean anyAgentMode;
    private final EnumSet<PermissionMode> permissionModes = EnumSet.noneOf(PermissionMode.class);
    private String binaryName;
    private boolean builtin;
    private boolean resumable = true;
    private int listingOrder = DEFAULT_LISTING_ORDER;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

    private Builder(String id) {
      this.id = requireNonNull(id, "id is null");
      this.displayName = id;
      this.binaryName = id;
    }

    /** Sets the display name (default: the id). */
    public Builder displayName(String value) {
      this.displayName = value;
      return this;
    }

    /** Adds capabilities. */
    public Builder capabilities(Collection<Capability> values) {
      capabilities.addAll(values);
      return this;
    }

    /** Adds capabilities. */
    public Builder capabilities(Capability... values) {
      return capabilities(List.of(values));
    }

    /** Adds an agent mode. */
    public Builder mode(String modeId, String name, String description) {
      modes.add(new AgentMode(modeId, name, description));
      return this;
    }

    /** Accepts any string as agent mode (default: only the listed modes). */
    public Builder anyAgentMode(boolean value) {
      this.anyAgentMode = value;
      return this;
    }

    /** Adds accepted permission modes. */
    public Builder permissionModes(PermissionMode... values) {
      permissionModes.addAll(List.of(values));
      return this;
    }

    /** Sets the program's file name (default: the id). */
    public Builder binaryName(String value) {
      this.binaryName = value;
      return this;
    }

    /** Marks the agent as running inside the daemon (default: false). */
    public Builder builtin(boolean value) {
      this.builtin = value;
      return this;
    }

    /** Sets whether sessions go on after the agent's own end record (default: true). */
    public Builder resumable(boolean value) {
      this.resumable = value;
      return this;
    }

    /** Sets where the agent comes in listings: lower first (default {@link #DEFAULT_LISTING_ORDER}). */
    public Builder listingOrder(int value) {
      this.listingOrder = value;
      return this;
    }

    /** Sets the idle timeout of a turn (default {@link #DEFAULT_IDLE_TIMEOUT}). */
    public Builder idleTimeout(Duration value) {
      this.idleTimeout = requireNonNull(value, "idleTimeout is null");
      return this;
    }

    /** Builds the descriptor. */
    public AgentDescriptor build() {
      return new AgentDescriptor(id, displayName, capabilities, modes, anyAgentMode, permissionModes, binaryName,
          builtin, resumable, listingOrder, idleTimeout);
    }
  }
}
