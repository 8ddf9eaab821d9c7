package dev.sandboxagent.host.http;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.event.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process agent for host tests, driven by the first word of each message: {@code reply X}
 * answers X; {@code burst N} emits N deltas as fast as it can; {@code slow} emits a delta every 50
 * ms until stopped; {@code ask} requests a question and a permission; {@code fail} throws from
 * send; {@code resumed} answers the native session id the session continues after a restart;
 * {@code env NAME} answers the value of NAME as a real child process sees it, and the session's
 * sharing scope; {@code run SCRIPT} runs SCRIPT with {@code sh -c}, each line of its stdout a delta,
 * and ends the turn with an error when it exits with a failure. Replies whose id contains {@code
 * flaky} fail on their first attempt.
 */
public final class ScriptAdapter implements AgentAdapter {

  private final String id;

  public ScriptAdapter() {
    this("script");
  }

  /** The same scripted agent under another id. */
  ScriptAdapter(String id) {
    this.id = id;
  }

  /** Sessions that are running a {@code slow} loop right now. */
  static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();

  /** Every message handed to a session of this agent, by session id, in order. */
  static final Map<String, List<String>> RECEIVED = new ConcurrentHashMap<>();

  @Override
  public AgentDescriptor descriptor() {
    return AgentDescriptor.builder(id)
        .capabilities(Capability.TEXT_MESSAGES, Capability.ITEM_STARTED, Capability.QUESTIONS, Capability.PERMISSIONS)
        .mode("build", "Build", "Scripted").mode("plan", "Plan", "Scripted plan")
        .permissionModes(PermissionMode.DEFAULT, PermissionMode.BYPASS)
        .binaryName("sandbox-agent-script-test-agent")
        .builtin(true)
        .build();
  }

  @Override
  public AgentSession open(SessionContext ctx) {
    return new Session(ctx);
  }

  private static final class Session implements AgentSession {
    private final SessionContext ctx;
    private int turn;
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

    Session(SessionContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public String nativeSessionId() {
      return "script-" + ctx.sessionId();
    }

    @Override
    public void send(String message) {
      RECEIVED.computeIfAbsent(ctx.sessionId(), s -> new CopyOnWriteArrayList<>()).add(message);
      int k = ++turn;
      String[] words = message.split(" ", 2);
      String rest = words.length > 1 ? words[1] : "";
      switch (words[0]) {
        case "fail" -> throw new AgentException(AgentException.Kind.STREAM_ERROR, "scripted failure");
        case "reply" -> ctx.runInBackground("reply", () -> ctx.events().emit(List.of(
            AgentEvent.of(new EventData.ItemCompleted(message("t" + k, rest))).withRaw(Map.of("native", rest)))));
        case "burst" -> ctx.runInBackground("burst", () -> {
          int n = Integer.parseInt(rest);
          ctx.events().emit(List.of(AgentEvent.of(new EventData.ItemStarted(
              UniversalItem.of("b" + k, ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(), ItemStatus.IN_PROGRESS)))));
          List<AgentEvent> batch = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            batch.add(AgentEvent.of(EventData.ItemDelta.ofNative("b" + k, "d" + i + " ")));
            if (batch.size() == 100) {
              ctx.events().emit(List.copyOf(batch));
              batch.clear();
            }
          }
          batch.add(AgentEvent.of(new EventData.ItemCompleted(message("b" + k, "burst done"))));
          ctx.events().emit(batch);
        });
        case "slow" -> ctx.runInBackground("slow", () -> {
          AtomicInteger counter = RUNNING.computeIfAbsent(ctx.sessionId(), s -> new AtomicInteger());
          counter.incrementAndGet();
          try {
            for (int i = 0; ; i++) {
              ctx.events().emit(AgentEvent.of(EventData.ItemDelta.ofNative("s" + k, "tick " + i)));
              Thread.sleep(50);
            }
          } catch (InterruptedException e) {
            // terminated
          } finally {
            counter.decrementAndGet();
          }
        });
        case "env" -> ctx.startProcess(ProcessSpec.of(List.of("sh", "-c", "printf '%s\\n' \"$" + rest + "\"")),
            new ProcessListener() {
              @Override
              public void stdout(String line) {
                ctx.events().emit(List.of(AgentEvent.of(new EventData.ItemCompleted(
                    message("e" + k, rest + "=" + line + " scope=" + ctx.sharingScope())))));
              }

              @Override
              public void exited(ExitStatus status) {}
            });
        case "run" -> run(k, rest);
        case "resumed" -> ctx.events().emit(List.of(AgentEvent.of(new EventData.ItemCompleted(
            message("r" + k, "resumed " + ctx.resumeNativeSessionId())))));
        case "usage" -> {
          String[] figures = rest.split(" ");
          ctx.events().emit(AgentEvent.startedAndCompleted(UniversalItem.status("u" + k, "turn.completed", null,
              new Usage(Long.valueOf(figures[0]), Long.valueOf(figures[1]), null, null, Double.valueOf(figures[2]), null)),
              ItemStatus.COMPLETED));
        }
        case "ask" -> ctx.events().emit(List.of(
            AgentEvent.of(new EventData.QuestionRequested("q" + k + rest, "Proceed?", List.of("Yes", "No"))),
            AgentEvent.of(new EventData.PermissionRequested("p" + k + rest, "command_execution",
                Map.of("command", "ls")))));
        default -> throw new AgentException(AgentException.Kind.UNSUPPORTED, "unknown script command: " + words[0]);
      }
    }

    private void run(int k, String script) {
      ctx.events().emit(List.of(AgentEvent.of(new EventData.ItemStarted(
          UniversalItem.of("r" + k, ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(), ItemStatus.IN_PROGRESS)))));
      ctx.startProcess(ProcessSpec.of(List.of("sh", "-c", script)), new ProcessListener() {
        @Override
        public void stdout(String line) {
          ctx.events().emit(List.of(AgentEvent.of(EventData.ItemDelta.ofNative("r" + k, line))));
        }

        @Override
        public void exited(ExitStatus status) {
          ctx.events().emit(List.of(status.success()
              ? AgentEvent.of(new EventData.ItemCompleted(message("r" + k, "done")))
              : AgentEvent.of(new EventData.Error("exited with " + status.exitCode(), "process_exit",
                  Map.of("exitCode", status.exitCode())))));
        }
      });
    }

    private static UniversalItem message(String nativeId, String text) {
      return UniversalItem.of(nativeId, ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(new ContentPart.Text(text)),
          ItemStatus.COMPLETED);
    }

    private void maybeFail(String id) {
      if (id.contains("flaky") && attempts.merge(id, 1, Integer::sum) == 1) {
        throw new AgentException(AgentException.Kind.STREAM_ERROR, "forwarding " + id + " failed");
      }
    }

    @Override
    public void replyQuestion(PendingQuestion question, List<List<String>> answers) {
      maybeFail(question.questionId());
    }

    @Override
    public void rejectQuestion(PendingQuestion question) {
      maybeFail(question.questionId());
    }

    @Override
    public void replyPermission(PendingPermission permission, PermissionReply reply) {
      maybeFail(permission.permissionId());
    }

    @Override
    public void close() {}
  }
}
