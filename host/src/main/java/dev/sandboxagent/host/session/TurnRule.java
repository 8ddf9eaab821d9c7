package dev.sandboxagent.host.session;

import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.UniversalItem;

/**
 * When a turn ends, for one agent: at a {@code turn.completed} or {@code session.idle} status item,
 * at the session's end, and at an assistant message's completion for agents whose assistant message
 * ends the turn. The host counts open turns with it, and the one-turn stream stops at it (or at
 * anything the client must act on first).
 *
 * @param assistantMessageEndsTurn whether a completed assistant message ends the turn
 */
public record TurnRule(boolean assistantMessageEndsTurn) {

  /** Whether {@code data} ends the turn it belongs to. */
  public boolean closesTurn(EventData data) {
    return switch (data) {
      case EventData.SessionEnded e -> true;
      case EventData.ItemCompleted c -> completesTurn(c.item());
      default -> false;
    };
  }

  /**
   * Whether a one-turn stream stops at {@code data}: the turn's end, or what the client must see
   * before the turn can go on (an error, unparsed output, a question, a permission request).
   */
  public boolean endsStream(EventData data) {
    return switch (data) {
      case EventData.Error e -> true;
      case EventData.AgentUnparsed e -> true;
      case EventData.PermissionRequested e -> true;
      case EventData.QuestionRequested e -> true;
      default -> closesTurn(data);
    };
  }

  private boolean completesTurn(UniversalItem item) {
    if (item.kind() == ItemKind.STATUS) {
      return item.content().stream().anyMatch(p -> p instanceof ContentPart.Status status
          && (status.label().equals("turn.completed") || status.label().equals("session.idle")));
    }
    return item.kind() == ItemKind.MESSAGE && item.role() == ItemRole.ASSISTANT && assistantMessageEndsTurn;
  }
}
