package dev.sandboxagent.plugins.amp;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Amp session: one {@code amp -x <message> --stream-json-thinking} process per message, run one
 * after the other; later turns continue the thread whose id the first turn announced ({@code amp
 * threads continue <id> -x …}). Stdin is closed at once and there is no terminal, so Amp can never
 * wait for a login: a login prompt, or no output at all for the idle timeout, stops the process and
 * the turn ends with Amp's own message.
 */
final class AmpSession implements AgentSession {

  /** Environment variable: seconds without any output before a turn is stopped (default 120). */
  static final String IDLE_TIMEOUT_VARIABLE = "SANDBOX_AGENT_AMP_IDLE_TIMEOUT";
  private static final AtomicLong USER_MESSAGES = new AtomicLong();

  private final SessionContext context;
  private final Duration idleTimeout;
  private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
  private volatile String threadId;
  private volatile AgentProcess current;
  private volatile boolean closed;
  private boolean running;
  private int turns;

  AmpSession(SessionContext context, Duration idleTimeout) {
    this.context = context;
    this.idleTimeout = idleTimeout;
  }

  static Duration idleTimeout(Map<String, String> env) {
    try {
      String value = env.get(IDLE_TIMEOUT_VARIABLE);
      return value == null ? Duration.ofSeconds(120) : Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(120);
    }
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
    UniversalItem item = UniversalItem.of("user_" + USER_MESSAGES.incrementAndGet(), ItemKind.MESSAGE, ItemRole.USER,
        List.of(new ContentPart.Text(message)), ItemStatus.IN_PROGRESS);
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
    AmpTranslator translator = new AmpTranslator("t" + (++turns) + "_");
    CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    AtomicLong lastOutput = new AtomicLong(System.nanoTime());
    StringBuilder loginPrompt = new StringBuilder();
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
    AgentProcess process;
    try {
      process = context.startProcess(new ProcessSpec(command(context.binary(), message, settings),
          Map.of("NO_COLOR", "1", "TERM", "dumb"), null), new ProcessListener() {
            @Override
            public void stdout(String line) {
              lastOutput.set(System.nanoTime());
              noteLogin(line, loginPrompt);
              emit(translator.translate(line));
            }

            @Override
            public void stderr(String line) {
              lastOutput.set(System.nanoTime());
              noteLogin(line, loginPrompt);
            }

            @Override
            public void exited(ExitStatus status) {
              exited.complete(status);
            }
          });
    } catch (AgentException e) {
      deleteQuietly(settings);
      emit(translator.finish(new ExitStatus(127, null, e.getMessage())));
      return;
    }
    current = process;
    process.closeInput();
    String stopReason = null;
    try {
      while (true) {
        try {
          ExitStatus status = exited.get(200, TimeUnit.MILLISECONDS);
          if (stopReason != null) {
            status = new ExitStatus(status.success() ? 1 : status.exitCode(), status.signal(),
                stopReason + (status.stderrTail().isBlank() ? "" : "\n" + status.stderrTail()));
          }
          if (!closed) {
            emit(translator.finish(status));
          }
          if (translator.threadId() != null) {
            threadId = translator.threadId();
          }
          return;
        } catch (TimeoutException e) {
          if (stopReason == null && loginPrompt.length() > 0) {
            stopReason = "Amp asked for a browser login; set AMP_API_KEY for the daemon";
            process.stop();
          } else if (stopReason == null && System.nanoTime() - lastOutput.get() > idleTimeout.toNanos()) {
            stopReason = "Amp wrote nothing for " + idleTimeout.toSeconds() + " s; the turn was stopped";
            process.stop();
          }
        } catch (ExecutionException e) {
          return;
        }
      }
    } finally {
      current = null;
      deleteQuietly(settings);
    }
  }

  private static void noteLogin(String line, StringBuilder loginPrompt) {
    String l = line.toLowerCase(Locale.ROOT);
    if (l.contains("cli-login") || l.contains("paste your code") || l.contains("log in to amp")) {
      synchronized (loginPrompt) {
        loginPrompt.append(line);
      }
    }
  }

  private void emit(List<AgentEvent> events) {
    if (events.isEmpty() || closed) {
      return;
    }
    if (events.get(events.size() - 1).type() == EventType.SESSION_ENDED) {
      context.events().end(events);
    } else {
      context.events().emit(events);
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
