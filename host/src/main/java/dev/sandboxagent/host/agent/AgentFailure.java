package dev.sandboxagent.host.agent;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentException;

/**
 * A failure of, or concerning, one agent: it is unknown or not allowed to the caller, not
 * installed, failed to install, or its plugin failed while the host called it. It names the agent
 * and carries what the plugin said; how a client sees it is decided at the edge.
 */
public final class AgentFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** No loaded agent has the id. */
    UNKNOWN_AGENT,
    /** The agent exists, but the caller's tenant may not use it. */
    NOT_ALLOWED,
    /** The agent's program is not installed. */
    NOT_INSTALLED,
    /** Installing the agent failed; the message is what the install reported. */
    INSTALL_FAILED,
    /** The agent does not support what was asked; the message says what. */
    UNSUPPORTED,
    /** The agent's process has exited; the message is its last words. */
    PROCESS_EXITED,
    /** The agent reported a failure of its stream or output. */
    STREAM_ERROR,
    /** The plugin threw something unexpected or returned nothing where it must return something. */
    CRASHED
  }

  private final Kind kind;
  private final String agent;
  private final Integer exitCode;

  private AgentFailure(Kind kind, String agent, String message, Integer exitCode, Throwable cause) {
    super(message, cause);
    this.kind = requireNonNull(kind, "kind is null");
    this.agent = agent;
    this.exitCode = exitCode;
  }

  /** The failure the plugin of {@code agent} reported by throwing {@code e}. */
  public static AgentFailure reported(String agent, AgentException e) {
    Kind kind = switch (e.kind()) {
      case NOT_INSTALLED -> Kind.NOT_INSTALLED;
      case INSTALL_FAILED -> Kind.INSTALL_FAILED;
      case UNSUPPORTED -> Kind.UNSUPPORTED;
      case PROCESS_EXITED -> Kind.PROCESS_EXITED;
      case STREAM_ERROR, BAD_OUTPUT -> Kind.STREAM_ERROR;
    };
    return new AgentFailure(kind, agent, e.getMessage(), null, e);
  }

  /** The plugin of {@code agent} failed unexpectedly; the message describes how. */
  public static AgentFailure crashed(String agent, String how, Throwable cause) {
    return new AgentFailure(Kind.CRASHED, requireNonNull(agent, "agent is null"), how, null, cause);
  }

  public static AgentFailure unknownAgent(String agent) {
    return new AgentFailure(Kind.UNKNOWN_AGENT, agent, "unknown agent " + agent, null, null);
  }

  public static AgentFailure notAllowed(String agent) {
    return new AgentFailure(Kind.NOT_ALLOWED, agent, "agent " + agent + " is not enabled for this tenant", null, null);
  }

  /** Installing {@code agent} failed; {@code output} is what the install reported, or null. */
  public static AgentFailure installFailed(String agent, String output, Throwable cause) {
    return new AgentFailure(Kind.INSTALL_FAILED, agent, output, null, cause);
  }

  /** The agent's process has exited with {@code exitCode} (null if unknown) after printing {@code output}. */
  public static AgentFailure processExited(String agent, Integer exitCode, String output) {
    return new AgentFailure(Kind.PROCESS_EXITED, agent, output, exitCode, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The agent's id, or null for a failure an adapter reported outside any call of the host's. */
  public String agent() {
    return agent;
  }

  /** The exit code of {@link Kind#PROCESS_EXITED}, or null. */
  public Integer exitCode() {
    return exitCode;
  }
}
