package dev.sandboxagent.plugins.mock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.FileAction;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MockSessionTest {

  private static final MockSession.Sleeper NO_SLEEP = millis -> {};

  private static String firstNativeId(List<AgentEvent> batch) {
    return switch (batch.get(0).data()) {
      case EventData.ItemStarted s -> s.item().nativeItemId();
      case EventData.ItemCompleted c -> c.item().nativeItemId();
      default -> batch.get(0).type().wireName();
    };
  }

  @Test
  void theNativeSessionIdDerivesFromTheSessionId() {
    FakeSessionContext context = FakeSessionContext.inline();
    assertThat(new MockSession(context, NO_SLEEP).nativeSessionId()).isEqualTo("mock-s");
    assertThat(context.batches).isEmpty();
  }

  @Test
  void emitsEachStepAsOneBatchInOrderFromOneBackgroundTask() {
    FakeSessionContext context = FakeSessionContext.inline();
    MockSession session = new MockSession(context, NO_SLEEP);
    session.send("tool");
    assertThat(context.taskNames).containsExactly("mock-turn");
    assertThat(context.batches).isEqualTo(MockScript.steps(1, "tool"));
    assertThat(context.batches).extracting(MockSessionTest::firstNativeId).containsExactly(
        "mock_1_user", "mock_1_user", "mock_1_tool_call", "mock_1_tool_call", "mock_1_tool_result",
        "mock_1_tool_result");
  }

  @Test
  void attachmentsAreShownInTheUserItemAndDescribedBeforeTheScript() {
    FakeSessionContext context = FakeSessionContext.inline();
    MockSession session = new MockSession(context, NO_SLEEP);
    Attachment image = new Attachment(Attachment.Kind.IMAGE, "shots/a.png", "image/png", null, new byte[] {1, 2, 3});
    Attachment file = new Attachment(Attachment.Kind.FILE, "notes.txt", "text/plain", null, new byte[0]);
    session.send("echo done", List.of(image, file));

    assertThat(context.batches).extracting(MockSessionTest::firstNativeId).containsExactly(
        "mock_1_user", "mock_1_user", "mock_1_attachments", "mock_1_attachments", "mock_1_echo", "mock_1_echo");
    EventData.ItemCompleted user = (EventData.ItemCompleted) context.batches.get(1).get(0).data();
    assertThat(user.item().content()).containsExactly(new ContentPart.Text("echo done"),
        new ContentPart.Image("shots/a.png", "image/png"), new ContentPart.FileRef("notes.txt", FileAction.READ, null));
    EventData.ItemCompleted described = (EventData.ItemCompleted) context.batches.get(3).get(0).data();
    assertThat(described.item().content()).containsExactly(new ContentPart.Text("Received 2 attachments:\n"
        + "- image shots/a.png (image/png, 3 bytes, sha256 039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81)\n"
        + "- file notes.txt (text/plain, 0 bytes, sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)"));
  }

  @Test
  void aBlankMessageWithAnAttachmentIsStillDescribed() {
    FakeSessionContext context = FakeSessionContext.inline();
    Attachment file = new Attachment(Attachment.Kind.FILE, "notes.txt", "text/plain", null, new byte[0]);
    new MockSession(context, NO_SLEEP).send(" ", List.of(file));
    assertThat(context.batches).extracting(MockSessionTest::firstNativeId).containsExactly(
        "mock_1_user", "mock_1_user", "mock_1_attachments", "mock_1_attachments");
  }

  @Test
  void sleepsTwoHundredMillisecondsAfterEveryStep() {
    FakeSessionContext context = FakeSessionContext.inline();
    List<Long> sleeps = new CopyOnWriteArrayList<>();
    MockSession session = new MockSession(context, sleeps::add);
    session.send("hello");
    assertThat(context.batches).hasSize(4);
    assertThat(sleeps).containsExactly(200L, 200L, 200L, 200L);
  }

  @Test
  void stepOneIsEmittedBeforeAnySleep() throws Exception {
    FakeSessionContext context = FakeSessionContext.threaded();
    List<Integer> batchesAtSleep = new CopyOnWriteArrayList<>();
    MockSession session = new MockSession(context, millis -> batchesAtSleep.add(context.batches.size()));
    session.send("status");
    context.joinAll();
    assertThat(batchesAtSleep).containsExactly(1, 2, 3, 4);
  }

  @Test
  void everyMessageCountsEvenBlankOnes() {
    FakeSessionContext context = FakeSessionContext.inline();
    MockSession session = new MockSession(context, NO_SLEEP);
    session.send("");
    session.send(" \u00A0\u3000\n");
    assertThat(context.batches).isEmpty();
    assertThat(context.taskNames).isEmpty();
    session.send("hello");
    session.send("permission");
    assertThat(context.batches).extracting(MockSessionTest::firstNativeId).containsExactly(
        "mock_3_user", "mock_3_user", "mock_3_reply", "mock_3_reply",
        "mock_4_user", "mock_4_user", "permission.requested", "permission.requested");
    assertThat(((EventData.PermissionRequested) context.batches.get(7).get(0).data()).permissionId())
        .isEqualTo("mock_4_permission_denied");
  }

  @Test
  void anInterruptCancelsTheRemainingSteps() throws Exception {
    FakeSessionContext context = FakeSessionContext.threaded();
    CountDownLatch sleeping = new CountDownLatch(1);
    MockSession session = new MockSession(context, millis -> {
      sleeping.countDown();
      Thread.sleep(millis * 1000);
    });
    session.send("demo");
    assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
    context.interruptAll();
    context.joinAll();
    assertThat(context.batches).hasSize(1);
    assertThat(firstNativeId(context.batches.get(0))).isEqualTo("mock_1_user");
  }

  @Test
  void closingCancelsQueuedStepsAndIgnoresLaterMessages() throws Exception {
    FakeSessionContext context = FakeSessionContext.threaded();
    CountDownLatch sleeping = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    MockSession session = new MockSession(context, millis -> {
      sleeping.countDown();
      assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    });
    session.send("markdown");
    assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
    session.close();
    closed.countDown();
    context.joinAll();
    assertThat(context.batches).hasSize(1);
    session.send("hello");
    assertThat(context.taskNames).hasSize(1);
    assertThat(context.batches).hasSize(1);
  }

  @Test
  void concurrentMessagesInterleaveWithRealSleeps() throws Exception {
    FakeSessionContext context = FakeSessionContext.threaded();
    MockSession session = new MockSession(context, MockSession.THREAD_SLEEP);
    session.send("hello");
    session.send("status");
    context.joinAll();
    assertThat(context.batches).hasSize(8);
    assertThat(context.batches).filteredOn(b -> firstNativeId(b).startsWith("mock_1_"))
        .isEqualTo(MockScript.steps(1, "hello"));
    assertThat(context.batches).filteredOn(b -> firstNativeId(b).startsWith("mock_2_"))
        .isEqualTo(MockScript.steps(2, "status"));
    // Each turn takes 4 x 200 ms; the second one starts long before the first one has finished.
    assertThat(context.batches.subList(0, 2)).extracting(MockSessionTest::firstNativeId)
        .containsExactlyInAnyOrder("mock_1_user", "mock_2_user");
  }
}
