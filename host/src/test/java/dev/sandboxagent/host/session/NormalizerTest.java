package dev.sandboxagent.host.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventSource;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalEvent;
import dev.sandboxagent.api.event.UniversalItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The normalization pipeline: ids, gap filling, pending-assistant re-keying, filters, HITL state. */
class NormalizerTest {

  private static List<Normalizer.Accepted> run(Normalizer n, AgentEvent... events) {
    List<Normalizer.Accepted> out = new ArrayList<>();
    for (AgentEvent e : events) {
      n.process(e, out);
    }
    return out;
  }

  private static UniversalItem item(String nativeId, ItemKind kind, ItemRole role, ItemStatus status, String... texts) {
    List<ContentPart> parts = new ArrayList<>();
    for (String t : texts) {
      parts.add(new ContentPart.Text(t));
    }
    return UniversalItem.of(nativeId, kind, role, parts, status);
  }

  private static AgentEvent completed(UniversalItem item) {
    return AgentEvent.of(new EventData.ItemCompleted(item));
  }

  private static List<String> describe(List<Normalizer.Accepted> out) {
    return out.stream().map(a -> switch (a.data()) {
      case EventData.ItemStarted s -> "started " + s.item().itemId() + (a.synthetic() ? " synthetic" : "");
      case EventData.ItemCompleted c -> "completed " + c.item().itemId();
      case EventData.ItemDelta d -> "delta " + d.itemId() + " " + d.delta() + (a.synthetic() ? " synthetic" : "");
      default -> a.data().type().wireName();
    }).toList();
  }

  @Test
  void fillsAStartAndAJoinedDeltaBeforeAnUnannouncedCompletion() {
    Normalizer n = new Normalizer(false, true, null);
    List<Normalizer.Accepted> out = run(n,
        completed(item("m1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "", "a", "", "b")));
    assertThat(describe(out)).containsExactly("started itm_1 synthetic", "delta itm_1 a\n\nb synthetic",
        "completed itm_1");
    assertThat(((EventData.ItemStarted) out.get(0).data()).item().status()).isEqualTo(ItemStatus.IN_PROGRESS);
  }

  @Test
  void neverFillsDeltasForOtherKindsOrEmptyText() {
    Normalizer n = new Normalizer(false, true, null);
    List<Normalizer.Accepted> out = run(n,
        completed(item("t1", ItemKind.TOOL_CALL, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "x")),
        completed(item("m1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "", "")),
        completed(item(null, ItemKind.STATUS, ItemRole.SYSTEM, ItemStatus.COMPLETED)),
        completed(item(null, ItemKind.STATUS, ItemRole.SYSTEM, ItemStatus.COMPLETED)));
    assertThat(describe(out)).containsExactly("started itm_1 synthetic", "completed itm_1",
        "started itm_2 synthetic", "completed itm_2", "started itm_3 synthetic", "completed itm_3",
        "started itm_4 synthetic", "completed itm_4");
  }

  @Test
  void mapsNativeIdsAndParentsAndDropsDuplicateStarts() {
    Normalizer n = new Normalizer(false, true, null);
    UniversalItem child = item("c1", ItemKind.TOOL_CALL, ItemRole.ASSISTANT, ItemStatus.IN_PROGRESS)
        .withParentId("parent-native");
    List<Normalizer.Accepted> out = run(n,
        AgentEvent.of(new EventData.ItemStarted(item("m1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.IN_PROGRESS))),
        AgentEvent.of(new EventData.ItemStarted(item("m1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.IN_PROGRESS))),
        AgentEvent.of(EventData.ItemDelta.ofNative("m1", "hi")),
        AgentEvent.of(new EventData.ItemStarted(child)),
        AgentEvent.of(EventData.ItemDelta.ofNative(null, "orphan")),
        completed(item("m1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "hi")));
    assertThat(describe(out)).containsExactly("started itm_1", "delta itm_1 hi", "started itm_2",
        "delta itm_4 orphan", "completed itm_1");
    assertThat(((EventData.ItemStarted) out.get(2).data()).item().parentId()).isEqualTo("itm_3");
  }

  @Test
  void rekeysAssistantOutputOntoThePendingSlot() {
    Normalizer n = new Normalizer(true, true, null);
    n.openPendingAssistant("c_pending_assistant_1");
    List<Normalizer.Accepted> out = run(n,
        AgentEvent.synthetic(new EventData.ItemStarted(
            item("c_pending_assistant_1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.IN_PROGRESS))),
        AgentEvent.of(new EventData.ItemStarted(
            item("msg_1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.IN_PROGRESS, "Hello!"))),
        AgentEvent.of(EventData.ItemDelta.ofNative("msg_1", "Hello!")).withNativeSessionId("abc"),
        AgentEvent.of(EventData.ItemDelta.ofNative("user_7", "not re-keyed")),
        completed(item("msg_1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "Hello!")),
        completed(item("msg_2", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "late")));
    assertThat(describe(out)).containsExactly("started itm_1 synthetic", "delta itm_1 Hello!", "delta itm_2 not re-keyed",
        "completed itm_1", "started itm_3 synthetic", "delta itm_3 late synthetic", "completed itm_3");
    assertThat(out.get(0).nativeSessionId()).isNull();
    assertThat(out.get(1).nativeSessionId()).isEqualTo("abc");
    assertThat(out.get(3).nativeSessionId()).as("adopted native session id").isEqualTo("abc");
    assertThat(((EventData.ItemCompleted) out.get(3).data()).item().nativeItemId()).isEqualTo("c_pending_assistant_1");
  }

  @Test
  void filtersSecondSessionStartAndAgentEndsOfResumableAgents() {
    Normalizer resumable = new Normalizer(false, true, "n");
    assertThat(describe(run(resumable,
        AgentEvent.synthetic(new EventData.SessionStarted(Map.of())),
        AgentEvent.of(new EventData.SessionStarted(Map.of("mock", true))),
        AgentEvent.of(new EventData.SessionEnded(SessionEndReason.COMPLETED, TerminatedBy.AGENT)),
        AgentEvent.synthetic(new EventData.SessionEnded(SessionEndReason.ERROR, TerminatedBy.AGENT)))))
        .containsExactly("session.started", "session.ended");
    Normalizer mock = new Normalizer(false, false, "n");
    assertThat(describe(run(mock,
        AgentEvent.of(new EventData.SessionEnded(SessionEndReason.COMPLETED, TerminatedBy.AGENT)))))
        .containsExactly("session.ended");
  }

  @Test
  void tracksPendingQuestionsAndPermissions() {
    Normalizer n = new Normalizer(false, true, null);
    run(n, AgentEvent.of(new EventData.QuestionRequested("q", "Proceed?", List.of("Yes"))).withRaw("native"),
        AgentEvent.of(new EventData.PermissionRequested("p", "run", Map.of("command", "ls"))));
    assertThat(n.question("q")).hasValueSatisfying(q -> assertThat(q.raw()).isEqualTo("native"));
    assertThat(n.permission("p")).hasValueSatisfying(p -> assertThat(p.metadata()).isEqualTo(Map.of("command", "ls")));
    run(n, AgentEvent.synthetic(new EventData.QuestionResolved("q", "Proceed?", List.of("Yes"), "Yes",
        dev.sandboxagent.api.event.QuestionStatus.ANSWERED)));
    assertThat(n.question("q")).isEmpty();
    assertThat(n.permission("p")).isPresent();
  }

  private static List<UniversalEvent> recorded(List<Normalizer.Accepted> accepted) {
    List<UniversalEvent> events = new ArrayList<>();
    for (Normalizer.Accepted a : accepted) {
      long sequence = events.size() + 1;
      events.add(new UniversalEvent("evt_" + sequence, sequence, "2026-01-01T00:00:00Z", "s", a.nativeSessionId(),
          a.synthetic(), a.synthetic() ? EventSource.DAEMON : EventSource.AGENT, a.data(), a.raw()));
    }
    return events;
  }

  @Test
  void aRestoredLogContinuesItsItemIdsAndPendingRequestsButNotItsNativeIds() {
    Normalizer before = new Normalizer(false, true, null);
    List<UniversalEvent> log = recorded(run(before,
        AgentEvent.synthetic(new EventData.SessionStarted(Map.of())).withNativeSessionId("native-1"),
        completed(item("m1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "a")),
        AgentEvent.of(new EventData.QuestionRequested("q1", "Proceed?", List.of("Yes", "No"))),
        AgentEvent.of(new EventData.PermissionRequested("p1", "command_execution", Map.of())),
        AgentEvent.of(new EventData.PermissionResolved("p1", "command_execution",
            dev.sandboxagent.api.event.PermissionStatus.APPROVED, Map.of()))));

    Normalizer after = new Normalizer(false, true, null);
    log.forEach(after::restore);
    assertThat(after.nativeSessionId()).isEqualTo("native-1");
    assertThat(after.questions()).extracting(q -> q.questionId()).containsExactly("q1");
    assertThat(after.permissions()).isEmpty();
    // A second session.started is dropped; a restarted agent reusing a native id gets a new item.
    List<Normalizer.Accepted> out = run(after,
        AgentEvent.synthetic(new EventData.SessionStarted(Map.of())),
        completed(item("m1", ItemKind.MESSAGE, ItemRole.ASSISTANT, ItemStatus.COMPLETED, "b")));
    assertThat(describe(out)).containsExactly("started itm_2 synthetic", "delta itm_2 b synthetic", "completed itm_2");
  }
}
