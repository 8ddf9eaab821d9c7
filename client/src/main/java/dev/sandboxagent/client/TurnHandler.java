package dev.sandboxagent.client;

import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.UniversalEvent;
import java.util.List;

/**
 * Decides, for {@link SandboxAgentClient#runTurn}, the permission requests and questions an agent
 * raises during a turn, and sees every event as it arrives. The defaults reject every permission
 * and every question, so an application approves only what its policy allows.
 */
public interface TurnHandler {

  /** A handler that rejects every request and ignores the events. */
  TurnHandler REJECT_ALL = new TurnHandler() {};

  /** Called for every event of the turn, in order, before any request in it is answered. */
  default void onEvent(UniversalEvent event) {}

  /** The reply to a permission request; the default rejects it. */
  default PermissionReply onPermission(EventData.PermissionRequested request) {
    return PermissionReply.REJECT;
  }

  /**
   * The answers to a question (one list of chosen labels per question), or null to reject it; the
   * default rejects it.
   */
  default List<List<String>> onQuestion(EventData.QuestionRequested question) {
    return null;
  }
}
