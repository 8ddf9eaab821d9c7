package dev.sandboxagent.host.session;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalEvent;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.event.Usage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns candidate events into the events a session records: adopts the native session id,
 * re-keys assistant output onto the turn's pending item (agents without {@code itemStarted}),
 * assigns item ids, inserts synthetic {@code item.started}/{@code item.delta} before completions
 * that lack them, drops what must not be recorded, and keeps the pending questions and permissions.
 *
 * <p>Not thread-safe: the session calls it under its lock, and every accepted event is recorded.
 */
final class Normalizer {

  /** An event that passed the pipeline, ready for a sequence number. */
  record Accepted(EventData data, boolean synthetic, String nativeSessionId, Object raw) {}

  private final boolean pendingAssistantMode;
  private final boolean resumable;
  private String nativeSessionId;
  /** Written under the session's record lock, read by the session listing without it. */
  private volatile Usage usage = Usage.NONE;
  private long nextItemId = 1;
  private final Map<String, String> itemIdByNative = new HashMap<>();
  private final Set<String> startedIds = new HashSet<>();
  private final Set<String> deltaSeenIds = new HashSet<>();
  private final ArrayDeque<String> pendingAssistant = new ArrayDeque<>();
  private boolean sessionStartedRecorded;
  private final Map<String, PendingQuestion> questions = new LinkedHashMap<>();
  private final Map<String, PendingPermission> permissions = new LinkedHashMap<>();

  Normalizer(boolean pendingAssistantMode, boolean resumable, String nativeSessionId) {
    this.pendingAssistantMode = pendingAssistantMode;
    this.resumable = resumable;
    this.nativeSessionId = nativeSessionId;
  }

  String nativeSessionId() {
    return nativeSessionId;
  }

  /** The usage the session's completed status items reported, summed; {@link Usage#NONE} if none did. */
  Usage usage() {
    return usage;
  }

  private void addUsage(UniversalItem item) {
    for (ContentPart part : item.content()) {
      if (part instanceof ContentPart.Status status && status.usage() != null) {
        usage = usage.plus(status.usage());
      }
    }
  }

  Optional<PendingQuestion> question(String id) {
    return Optional.ofNullable(questions.get(id));
  }

  Optional<PendingPermission> permission(String id) {
    return Optional.ofNullable(permissions.get(id));
  }

  /** The questions still waiting for an answer, oldest first. */
  List<PendingQuestion> questions() {
    return new ArrayList<>(questions.values());
  }

  /** The permission requests still waiting for an answer, oldest first. */
  List<PendingPermission> permissions() {
    return new ArrayList<>(permissions.values());
  }

  /**
   * Takes in an event recorded before a restart, so that what follows continues its log: the
   * native session id, the item ids already taken, the pending questions and permissions. Native
   * item ids are not carried over: a restarted agent may use the same ones again for new items.
   */
  void restore(UniversalEvent event) {
    if (nativeSessionId == null && event.nativeSessionId() != null) {
      nativeSessionId = event.nativeSessionId();
    }
    switch (event.data()) {
      case EventData.SessionStarted s -> sessionStartedRecorded = true;
      case EventData.ItemStarted s -> takeItemId(s.item().itemId());
      case EventData.ItemCompleted c -> {
        takeItemId(c.item().itemId());
        addUsage(c.item());
      }
      case EventData.ItemDelta d -> takeItemId(d.itemId());
      case EventData.QuestionRequested q -> questions.put(
          q.questionId(), new PendingQuestion(q.questionId(), q.prompt(), q.options(), event.raw(), q.questions()));
      case EventData.QuestionResolved q -> questions.remove(q.questionId());
      case EventData.PermissionRequested p -> permissions.put(
          p.permissionId(), new PendingPermission(p.permissionId(), p.action(), p.metadata(), event.raw()));
      case EventData.PermissionResolved p -> permissions.remove(p.permissionId());
      default -> {}
    }
  }

  private void takeItemId(String itemId) {
    if (itemId != null && itemId.startsWith("itm_")) {
      try {
        nextItemId = Math.max(nextItemId, Long.parseLong(itemId.substring(4)) + 1);
      } catch (NumberFormatException e) {
        // not one of ours
      }
    }
  }

  /** Queues a pending assistant slot (the daemon opened an empty assistant item for a turn). */
  void openPendingAssistant(String nativeItemId) {
    pendingAssistant.addLast(nativeItemId);
  }

  /** Runs one candidate through the pipeline, appending what is to be recorded to {@code out}. */
  void process(AgentEvent candidate, List<Accepted> out) {
    if (nativeSessionId == null && candidate.nativeSessionId() != null) {
      nativeSessionId = candidate.nativeSessionId();
    }
    String nsid = candidate.nativeSessionId() != null ? candidate.nativeSessionId() : nativeSessionId;
    EventData data = candidate.data();
    if (pendingAssistantMode) {
      data = rekeyOntoPendingAssistant(data);
      if (data == null) {
        return;
      }
    }
    data = assignIds(data);
    if (data instanceof EventData.ItemCompleted completed) {
      fillGaps(completed.item(), nsid, out);
    }
    record(data, candidate.synthetic(), nsid, candidate.raw(), out);
  }

  private static boolean isAssistantMessage(UniversalItem item) {
    return item.kind() == ItemKind.MESSAGE && item.role() == ItemRole.ASSISTANT;
  }

  private EventData rekeyOntoPendingAssistant(EventData data) {
    if (data instanceof EventData.ItemStarted started && isAssistantMessage(started.item())) {
      return pendingAssistant.contains(started.item().nativeItemId()) ? data : null;
    }
    if (data instanceof EventData.ItemCompleted completed
        && isAssistantMessage(completed.item())
        && !pendingAssistant.isEmpty()) {
      String slot = pendingAssistant.removeFirst();
      return new EventData.ItemCompleted(completed.item().withNativeItemId(slot).withItemId(""));
    }
    if (data instanceof EventData.ItemDelta delta
        && (delta.nativeItemId() == null || !delta.nativeItemId().startsWith("user_"))
        && !pendingAssistant.isEmpty()) {
      return new EventData.ItemDelta("", pendingAssistant.peekFirst(), delta.delta());
    }
    return data;
  }

  private EventData assignIds(EventData data) {
    return switch (data) {
      case EventData.ItemStarted s -> new EventData.ItemStarted(withIds(s.item()));
      case EventData.ItemCompleted c -> new EventData.ItemCompleted(withIds(c.item()));
      case EventData.ItemDelta d when d.itemId().isEmpty() ->
          new EventData.ItemDelta(itemIdFor(d.nativeItemId()), d.nativeItemId(), d.delta());
      default -> data;
    };
  }

  private UniversalItem withIds(UniversalItem item) {
    UniversalItem result = item;
    if (item.itemId().isEmpty()) {
      result = result.withItemId(itemIdFor(item.nativeItemId()));
    }
    String parent = item.parentId();
    if (parent != null && !parent.startsWith("itm_")) {
      result = result.withParentId(itemIdFor(parent));
    }
    return result;
  }

  /** The item id mapped to a native id (allocated and stored if new), or a fresh one for null. */
  private String itemIdFor(String nativeId) {
    if (nativeId == null) {
      return "itm_" + nextItemId++;
    }
    return itemIdByNative.computeIfAbsent(nativeId, k -> "itm_" + nextItemId++);
  }

  private void fillGaps(UniversalItem item, String nsid, List<Accepted> out) {
    if (!startedIds.contains(item.itemId())) {
      record(new EventData.ItemStarted(item.withStatus(ItemStatus.IN_PROGRESS)), true, nsid, null, out);
    }
    if (item.kind() == ItemKind.MESSAGE && !deltaSeenIds.contains(item.itemId())) {
      StringBuilder text = new StringBuilder();
      for (ContentPart part : item.content()) {
        if (part instanceof ContentPart.Text t) {
          if (!text.isEmpty()) {
            text.append('\n');
          }
          text.append(t.text());
        }
      }
      if (!text.isEmpty()) {
        record(new EventData.ItemDelta(item.itemId(), item.nativeItemId(), text.toString()), true, nsid, null, out);
      }
    }
  }

  private void record(EventData data, boolean synthetic, String nsid, Object raw, List<Accepted> out) {
    switch (data) {
      case EventData.SessionStarted s -> {
        if (sessionStartedRecorded) {
          return;
        }
        sessionStartedRecorded = true;
      }
      case EventData.SessionEnded e -> {
        if (!synthetic && resumable) {
          return;
        }
      }
      case EventData.ItemStarted s -> {
        if (!startedIds.add(s.item().itemId())) {
          return;
        }
        mapNative(s.item());
      }
      case EventData.ItemCompleted c -> {
        startedIds.add(c.item().itemId());
        mapNative(c.item());
        addUsage(c.item());
      }
      case EventData.ItemDelta d -> {
        deltaSeenIds.add(d.itemId());
        if (d.nativeItemId() != null) {
          itemIdByNative.put(d.nativeItemId(), d.itemId());
        }
      }
      case EventData.QuestionRequested q ->
          questions.put(q.questionId(), new PendingQuestion(q.questionId(), q.prompt(), q.options(), raw, q.questions()));
      case EventData.QuestionResolved q -> questions.remove(q.questionId());
      case EventData.PermissionRequested p ->
          permissions.put(p.permissionId(), new PendingPermission(p.permissionId(), p.action(), p.metadata(), raw));
      case EventData.PermissionResolved p -> permissions.remove(p.permissionId());
      default -> {}
    }
    out.add(new Accepted(data, synthetic, nsid, raw));
  }

  private void mapNative(UniversalItem item) {
    if (item.nativeItemId() != null) {
      itemIdByNative.put(item.nativeItemId(), item.itemId());
    }
  }
}
