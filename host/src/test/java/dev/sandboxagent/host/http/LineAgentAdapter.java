package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An agent program for host tests of the host-driven process loop: {@code sh} running {@code
 * script} (a shell program reading one message per line), its stdout of JSON lines translated by
 * {@link LineTranslator}. A message starting with {@code once:} instead runs the rest as a program
 * of its own with stdin closed, one after the other, as agents with a process per turn do. Its turns
 * go idle after {@code idleTimeout}.
 */
final class LineAgentAdapter implements AgentAdapter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String script;
  private final Duration idleTimeout;

  LineAgentAdapter(String script, Duration idleTimeout) {
    this.script = script;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public AgentDescriptor descriptor() {
    return AgentDescriptor.builder("line")
        .displayName("Line agent")
        .capabilities(Capability.TEXT_MESSAGES, Capability.PERMISSIONS)
        .mode("build", "Build", "Runs the script")
        .permissionModes(PermissionMode.DEFAULT)
        .binaryName("sh")
        .idleTimeout(idleTimeout)
        .build();
  }

  @Override
  public boolean assistantMessageEndsTurn() {
    return false;
  }

  @Override
  public AgentSession open(SessionContext context) {
    return new Session(context);
  }

  private final class Session implements AgentSession {
    private final SessionContext context;
    private final LinkedBlockingQueue<String> once = new LinkedBlockingQueue<>();
    private AgentProcess process;
    private boolean draining;

    Session(SessionContext context) {
      this.context = context;
    }

    @Override
    public String nativeSessionId() {
      return null;
    }

    @Override
    public synchronized void send(String message) {
      if (message.startsWith("once:")) {
        once.add(message.substring(5));
        if (!draining) {
          draining = true;
          context.runInBackground("once", this::drain);
        }
        return;
      }
      if (process == null || !process.isAlive()) {
        Path binary = context.binary();
        process = context.startAgentProcess(ProcessSpec.of(List.of(binary.toString(), "-c", script)),
            new LineTranslator());
      }
      process.writeLine(message);
    }

    @Override
    public synchronized void interruptTurn() {
      process = null;
    }

    private void drain() {
      try {
        while (true) {
          String command;
          synchronized (this) {
            command = once.poll();
            if (command == null) {
              draining = false;
              return;
            }
          }
          CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
          LineTranslator translator = new LineTranslator();
          AgentProcess p = context.startAgentProcess(ProcessSpec.of(List.of("sh", "-c", command)),
              new EventTranslator() {
                @Override
                public List<AgentEvent> translate(String line) {
                  return translator.translate(line);
                }

                @Override
                public List<AgentEvent> finish(ExitStatus status) {
                  exited.complete(status);
                  return translator.finish(status);
                }
              });
          p.closeInput();
          exited.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public synchronized void replyPermission(PendingPermission permission, PermissionReply reply) {
      process.writeLine("answer " + permission.permissionId());
    }

    @Override
    public void close() {}
  }

  /**
   * {@code {"text":T}} is an assistant message, {@code {"done":true}} the end of the turn, {@code
   * {"ask":ID}} a permission request; a failed exit is an error with the program's stderr.
   */
  static final class LineTranslator implements EventTranslator {
    private int messages;

    @Override
    public List<AgentEvent> translate(String line) {
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (IOException e) {
        return List.of(AgentEvent.synthetic(new EventData.AgentUnparsed("not JSON", "line")).withRaw(line));
      }
      if (node.has("text")) {
        return List.of(AgentEvent.of(new EventData.ItemCompleted(UniversalItem.of("m" + (++messages),
            ItemKind.MESSAGE, ItemRole.ASSISTANT, List.of(new ContentPart.Text(node.get("text").asText())),
            ItemStatus.COMPLETED))));
      }
      if (node.has("done")) {
        return List.of(AgentEvent.of(new EventData.ItemCompleted(UniversalItem.of("s" + (++messages),
            ItemKind.STATUS, ItemRole.SYSTEM, List.of(new ContentPart.Status("turn.completed", null)),
            ItemStatus.COMPLETED))));
      }
      if (node.has("ask")) {
        return List.of(AgentEvent.of(new EventData.PermissionRequested(node.get("ask").asText(), "command_execution",
            Map.of("command", "ls"))));
      }
      return List.of();
    }

    @Override
    public List<AgentEvent> finish(ExitStatus status) {
      return status.success() ? List.of() : List.of(AgentEvent.synthetic(new EventData.Error(
          "failed: " + status.stderrTail(), "agent_failed", Map.of("exitCode", status.exitCode()))));
    }
  }
}
