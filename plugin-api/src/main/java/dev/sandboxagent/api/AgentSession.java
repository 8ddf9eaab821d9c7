package dev.sandboxagent.api;

import java.util.List;

/**
 * A live session of one agent, driven by the host. Methods are called on request threads; the host
 * never calls two of them at once for the same session.
 *
 * <p>Replies to questions and permissions are called only for ids the host has seen requested and
 * not yet resolved; when they return normally the host records the resolution event, and when they
 * throw, the request stays pending so that the client can retry.
 */
public interface AgentSession {

  /**
   * Returns the agent's own session id if it is known when the session is opened (it is then
   * recorded on {@code session.started}), or null.
   */
  String nativeSessionId();

  /**
   * Hands a message to the agent and returns once it has been handed over; the agent's output
   * arrives later through the session's {@link EventSink}.
   *
   * @throws AgentException when the message cannot be handed over
   */
  void send(String message);

  /**
   * Hands a message with attachments to the agent, as {@link #send(String)} does. The host calls this
   * method for every message, with an empty list when there are none, and only with the kinds the
   * agent's descriptor advertises ({@link Capability#IMAGES}, {@link Capability#FILE_ATTACHMENTS}).
   * An attachment the agent cannot take after all is refused, before anything is handed over, with
   * {@link Attachment#unsupported}. The default takes a message without attachments only.
   *
   * @throws AgentException when the message cannot be handed over
   * @since 1.4
   */
  default void send(String message, List<Attachment> attachments) {
    if (!attachments.isEmpty()) {
      throw attachments.get(0).unsupported("this agent", "it takes no attachments");
    }
    send(message);
  }

  /**
   * Forwards answers to a pending question: one list of chosen labels per question of {@link
   * PendingQuestion#questions()}, in order. The host refuses more lists than questions; a client
   * that knows only the first question sends fewer. The default forwards nothing.
   */
  default void replyQuestion(PendingQuestion question, List<List<String>> answers) {}

  /** Forwards the rejection of a pending question. The default forwards nothing. */
  default void rejectQuestion(PendingQuestion question) {}

  /** Forwards a reply to a pending permission request. The default forwards nothing. */
  default void replyPermission(PendingPermission permission, PermissionReply reply) {}

  /**
   * Stops the turn in progress, which has written nothing for the agent's idle timeout while no
   * question or permission awaited the user. The host has recorded an {@code idle_timeout} error
   * for it and stops the processes it started with {@link SessionContext#startAgentProcess} itself;
   * an agent working on a shared server asks the server to stop the turn here, so the next message
   * starts a new one. Must not block for long; the default does nothing.
   *
   * @since 1.1
   */
  default void interruptTurn() {}

  /**
   * Stops everything the session runs: its processes, its queued work. Called once, when the session
   * is terminated or the daemon shuts down; after it returns nothing the session emits is recorded.
   * Must not throw and must not block for long.
   */
  void close();
}
