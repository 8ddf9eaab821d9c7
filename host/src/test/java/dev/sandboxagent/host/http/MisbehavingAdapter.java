package dev.sandboxagent.host.http;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentMode;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.api.ServerStatus;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.EventData;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An in-process agent whose plugin misbehaves, for host tests. {@link #throwing()} describes itself
 * properly and throws {@link IllegalStateException} from every other call: the turn rule, listing
 * modes, server status, install sources, and from its sessions' native id, send (except {@code ask}, which
 * requests a question and a permission), replies, interruption and close. {@link #returningNull()}
 * returns null from every call that must return something: open, listing modes, server status and
 * install sources. {@link #reporting()} behaves and reports a failure as the SPI asks: its open
 * throws the {@link AgentException} whose kind is named by the session id ({@code stream_error},
 * …).
 */
class MisbehavingAdapter implements AgentAdapter {

  private final String id;
  private final boolean throwing;

  private MisbehavingAdapter(String id, boolean throwing) {
    this.id = id;
    this.throwing = throwing;
  }

  static AgentAdapter reporting() {
    return new MisbehavingAdapter("reporting", false) {
      @Override
      public AgentSession open(SessionContext context) {
        AgentException.Kind kind = AgentException.Kind.valueOf(context.sessionId().toUpperCase(Locale.ROOT));
        throw new AgentException(kind, "open failed with " + kind);
      }
    };
  }

  static MisbehavingAdapter throwing() {
    return new MisbehavingAdapter("throwing", true);
  }

  static MisbehavingAdapter returningNull() {
    return new MisbehavingAdapter("nulls", false);
  }

  @Override
  public AgentDescriptor descriptor() {
    return AgentDescriptor.builder(id)
        .capabilities(Capability.TEXT_MESSAGES, Capability.QUESTIONS, Capability.PERMISSIONS,
            Capability.SHARED_PROCESS)
        .mode("build", "Build", "Misbehaving")
        .permissionModes(PermissionMode.DEFAULT)
        .binaryName("sandbox-agent-misbehaving-test-agent-" + id)
        .builtin(true)
        .build();
  }

  @Override
  public AgentSession open(SessionContext context) {
    return throwing ? new ThrowingSession(context) : null;
  }

  @Override
  public boolean assistantMessageEndsTurn() {
    if (throwing) {
      throw new IllegalStateException("assistantMessageEndsTurn broke");
    }
    return true;
  }

  @Override
  public List<AgentMode> listModes(InstallContext context) {
    return misbehave("listModes");
  }

  @Override
  public ServerStatus serverStatus(String scope) {
    return misbehave("serverStatus");
  }

  @Override
  public List<InstallSource> installSources(Platform platform) {
    return misbehave("installSources");
  }

  private <T> T misbehave(String method) {
    if (throwing) {
      throw new IllegalStateException(method + " broke");
    }
    return null;
  }

  private static final class ThrowingSession implements AgentSession {
    private final SessionContext ctx;

    ThrowingSession(SessionContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public String nativeSessionId() {
      throw new IllegalStateException("nativeSessionId broke");
    }

    @Override
    public void send(String message) {
      if (!message.equals("ask")) {
        throw new IllegalStateException("send broke");
      }
      ctx.events().emit(List.of(
          AgentEvent.of(new EventData.QuestionRequested("q1", "Proceed?", List.of("Yes", "No"))),
          AgentEvent.of(new EventData.PermissionRequested("p1", "command_execution", Map.of("command", "ls")))));
    }

    @Override
    public void replyQuestion(PendingQuestion question, List<List<String>> answers) {
      throw new IllegalStateException("replyQuestion broke");
    }

    @Override
    public void rejectQuestion(PendingQuestion question) {
      throw new IllegalStateException("rejectQuestion broke");
    }

    @Override
    public void replyPermission(PendingPermission permission, PermissionReply reply) {
      throw new IllegalStateException("replyPermission broke");
    }

    @Override
    public void interruptTurn() {
      throw new IllegalStateException("interruptTurn broke");
    }

    @Override
    public void close() {
      throw new IllegalStateException("close broke");
    }
  }
}
