package dev.sandboxagent.plugins.amp;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.support.ForwardingTranslator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An Amp session: one {@code amp -x <message> --stream-json-thinking} process per message, run one
 * after the other on a host task; later turns continue the thread whose id the first turn announced
 * ({@code amp threads continue <id> -x …}). The host drives each process ({@link
 * SessionContext#startAgentProcess}). Stdin is closed at once and there is no terminal, so Amp can
 * never wait for a login: a login prompt stops the process and the session ends with Amp's message.
 */
final class AmpSession implements AgentSession {

  private final SessionContext context;
  private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
  /** Native ids of the user messages the daemon records: unique in the session's life. */
  private final String userIds;
  private int userMessages;
  private volatile String threadId;
  private volatile AgentProcess current;
  private volatile boolean closed;
  private boolean running;
  private int turns;

  AmpSession(SessionContext context) {
    this.context = context;
    this.userIds = "user_" + Long.toString(context.clock().millis(), 36) + "_";
    // a session reopened after a restart continues its thread
    this.threadId = context.resumeNativeSessionId();
  }

  @Override
  public String nativeSessionId() {
    return null;
  }

  @Override
  public void send(String message) {
    if (closed) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the session is closed");
    }
    if (context.binary() == null) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED, "amp is not installed");
    }
    UniversalItem item;
    synchronized (this) {
      item = UniversalItem.of(userIds + (++userMessages), ItemKind.MESSAGE, ItemRole.USER,
          List.of(new ContentPart.Text(message)), ItemStatus.IN_PROGRESS);
    }
    context.events().emit(List.of(AgentEvent.synthetic(new EventData.ItemStarted(item)),
        AgentEvent.synthetic(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED)))));
    messages.add(message);
    synchronized (this) {
      if (!running) {
        running = true;
        context.runInBackground("amp-turns", this::drain);
      }
    }
  }

  private void drain() {
    try {
      while (!closed) {
        String message;
        synchronized (this) {
          message = messages.poll();
          if (message == null) {
            running = false;
            return;
          }
        }
        runTurn(message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The command line of one turn. */
  List<String> command(Path binary, String message, Path settingsFile) {
    List<String> command = new ArrayList<>(List.of(binary.toString()));
    if (threadId != null) {
      command.addAll(List.of("threads", "continue", threadId));
    }
    command.addAll(List.of("-x", message, "--stream-json", "--stream-json-thinking"));
    if (context.model() != null && !context.model().isBlank()) {
      command.addAll(List.of("--mode", context.model()));
    }
    if (settingsFile != null) {
      command.addAll(List.of("--settings-file", settingsFile.toString()));
    }
    return command;
  }

  private void runTurn(String message) throws InterruptedException {
    Turn turn = new Turn(new AmpTranslator("t" + (++turns) + "_"));
    Path settings = null;
    try {
      if (context.permissionMode() == PermissionMode.BYPASS) {
        // Amp has no flag for it: a settings file allowing every command, for bypass sessions only.
        settings = Files.createTempFile("sandbox-agent-amp-", ".json");
        Files.writeString(settings, "{\"amp.dangerouslyAllowAll\": true}");
      }
    } catch (IOException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "cannot write Amp settings: " + e.getMessage(), e);
    }
    try {
      AgentProcess process = context.startAgentProcess(new ProcessSpec(command(context.binary(), message, settings),
          Map.of("NO_COLOR", "1", "TERM", "dumb"), null), turn);
      current = process;
      process.closeInput();
      turn.exited.get();
    } catch (AgentException e) {
      if (!closed) {
        context.events().end(turn.translator.finish(new ExitStatus(127, null, e.getMessage())));
      }
    } catch (ExecutionException e) {
      // the translator failed; the host has recorded it
    } finally {
      current = null;
      deleteQuietly(settings);
      if (turn.translator.threadId() != null) {
        threadId = turn.translator.threadId();
      }
    }
  }

  /** One turn's translation, with Amp's login prompt spotted on either stream. */
  private static final class Turn extends ForwardingTranslator {
    final AmpTranslator translator;
    final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private AgentProcess process;
    private boolean loginPrompt;

    Turn(AmpTranslator translator) {
      super(translator);
      this.translator = translator;
    }

    @Override
    public void started(AgentProcess process) {
      this.process = process;
    }

    @Override
    public List<AgentEvent> translate(String line) {
      noteLogin(line);
      return super.translate(line);
    }

    @Override
    public List<AgentEvent> translateStderr(String line) {
      noteLogin(line);
      return List.of();
    }

    private void noteLogin(String line) {
      String l = line.toLowerCase(Locale.ROOT);
      if (!loginPrompt && (l.contains("cli-login") || l.contains("paste your code") || l.contains("log in to amp"))) {
        loginPrompt = true;
        process.stop();
      }
    }

    @Override
    public List<AgentEvent> finish(ExitStatus status) {
      exited.complete(status);
      if (loginPrompt) {
        String reason = "Amp asked for a browser login; set AMP_API_KEY for the daemon";
        status = new ExitStatus(status.success() ? 1 : status.exitCode(), status.signal(),
            reason + (status.stderrTail().isBlank() ? "" : "\n" + status.stderrTail()));
      }
      return super.finish(status);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file; the system cleans it eventually
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    AgentProcess p = current;
    if (p != null) {
      p.stop();
    }
  }
}
