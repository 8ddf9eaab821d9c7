package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.EventSource;
import dev.sandboxagent.api.event.EventType;
import dev.sandboxagent.api.event.UniversalEvent;
import dev.sandboxagent.api.event.Usage;
import dev.sandboxagent.host.agent.AgentCalls;
import dev.sandboxagent.host.agent.AgentFailure;
import dev.sandboxagent.host.metrics.SessionMetrics;
import dev.sandboxagent.host.plugin.LoadedAgent;
import dev.sandboxagent.host.tenant.Tenant;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One session: its settings, its agent handle, its normalizer and event log, and whether (and why)
 * it has ended. Recording is serialized by the session's lock; commands (messages, replies) by a
 * second lock so that a slow agent call never blocks recording.
 */
public final class Session {

  /** The label of the status item recorded when a restored session's agent is reopened. */
  static final String RESUMED_LABEL = "session.resumed";
  private static final System.Logger LOG = System.getLogger(Session.class.getName());

  private final Tenant tenant;
  private final String id;
  private final LoadedAgent agent;
  private final SessionSettings settings;
  private final EventCodec codec;
  private final Clock clock;
  private final EventLog log = new EventLog();
  private final Normalizer normalizer;
  private final ReentrantLock recordLock = new ReentrantLock();
  private final ReentrantLock commandLock = new ReentrantLock();
  private final TurnRule turnRule;
  private final TurnWatch turns;
  private final HostSessionContext context;
  private final SessionJournal journal;
  private final SessionMetrics metrics;
  private final IdempotencyKeys idempotencyKeys = new IdempotencyKeys();
  private volatile String resumeNativeSessionId;
  /** The native session id the agent announced last: the conversation to continue (guarded by recordLock). */
  private String latestNativeSessionId;
  private long lastSequence;
  private volatile Ending ending;
  private volatile Instant endedAt;
  private volatile boolean closed;
  /** Loaded from the store when this daemon started, rather than created since. */
  private volatile boolean restored;
  /** Its agent was reopened after a restart: the log holds a {@code session.resumed} status item. */
  private volatile boolean resumed;
  private AgentSession handle;

  Session(
      Tenant tenant, String id, LoadedAgent agent, SessionSettings settings, EventCodec codec, Clock clock, Path binary,
      Path workingDirectory, Map<String, String> environment, SessionResources resources, SessionJournal journal,
      SessionMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.tenant = requireNonNull(tenant, "tenant is null");
    this.id = requireNonNull(id, "id is null");
    this.agent = requireNonNull(agent, "agent is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.codec = codec;
    this.clock = clock;
    this.normalizer = new Normalizer(
        !agent.descriptor().has(Capability.ITEM_STARTED),
        agent.descriptor().resumable(),
        null);
    this.turnRule = new TurnRule(AgentCalls.callOr(agent, "assistantMessageEndsTurn",
        () -> agent.adapter().assistantMessageEndsTurn(), failure -> true));
    // An agent inside the daemon cannot hang outside it: only agent programs are watched. The
    // timeout is the agent's, unless the daemon's environment or the tenant's sets another.
    this.turns = new TurnWatch(agent.descriptor().builtin() ? null
        : TurnWatch.idleTimeout(agent.id(), agent.descriptor().idleTimeout(),
            name -> environment.containsKey(name) ? environment.get(name) : System.getenv(name)), metrics::turnEnded);
    this.context = new HostSessionContext(this, binary, workingDirectory, Map.copyOf(environment),
        requireNonNull(resources, "resources is null"));
    this.journal = requireNonNull(journal, "journal is null");
  }

  /** The session id the client chose (unique within its tenant). */
  public String id() {
    return id;
  }

  /** The tenant owning the session. */
  public Tenant tenant() {
    return tenant;
  }

  public LoadedAgent agent() {
    return agent;
  }

  public SessionSettings settings() {
    return settings;
  }

  public EventLog log() {
    return log;
  }

  Clock clock() {
    return clock;
  }

  SessionContext context() {
    return context;
  }

  void attach(AgentSession agentSession) {
    this.handle = agentSession;
  }

  AgentSession handle() {
    return handle;
  }

  ReentrantLock commandLock() {
    return commandLock;
  }

  /** When the session's turns end. */
  public TurnRule turnRule() {
    return turnRule;
  }

  TurnWatch turns() {
    return turns;
  }

  /**
   * Notes that a message is being handed to the agent: a turn opens, watched for idleness. Called
   * holding the command lock, before the agent's {@code send}; {@link #turnAbandoned} undoes it when
   * the message could not be handed over.
   */
  void turnOpening() {
    if (turns.opening(context.agentProcesses())) {
      context.runInBackground("turn-watch", this::watchTurns);
    }
  }

  /** The message of the last {@link #turnOpening} was not handed over. */
  void turnAbandoned() {
    turns.abandoned(context.agentProcesses());
  }

  private void watchTurns() {
    try {
      if (!turns.awaitIdle(() -> !pendingQuestions().isEmpty() || !pendingPermissions().isEmpty())) {
        return;
      }
    } catch (InterruptedException e) {
      turns.stopped();
      return;
    }
    if (closed) {
      return;
    }
    record(List.of(AgentEvent.synthetic(new EventData.Error(agent.descriptor().displayName() + " wrote nothing for "
        + turns.describeTimeout() + "; the turn was stopped", "idle_timeout", null))));
    turns.reset();
    for (AgentOutput process : context.agentProcesses()) {
      process.silence();
    }
    commandLock.lock();
    try {
      AgentSession h = handle;
      if (h != null && !closed) {
        AgentCalls.run(agent, "interruptTurn", h::interruptTurn);
      }
    } catch (AgentFailure e) {
      LOG.log(Level.WARNING, "interrupting the turn of session " + id + " failed: " + e.getMessage());
    } finally {
      commandLock.unlock();
    }
  }

  /** Records a batch an agent process's translator produced, ending the session at a session.ended. */
  void recordFrom(AgentOutput process, List<AgentEvent> batch) {
    if (batch.isEmpty() || closed) {
      return;
    }
    if (batch.get(batch.size() - 1).type() == EventType.SESSION_ENDED) {
      endByAgent(batch);
    } else {
      turns.recorded(recordCounting(batch), process);
    }
  }

  /**
   * An agent process has exited and its last events are recorded: the turns it served and did not
   * end end now, with an error if it exited with status 0 (a failure is its translator's to report).
   */
  void agentExited(AgentOutput process, ExitStatus status, boolean stoppedForIdleness) {
    context.agentProcesses().remove(process);
    int remaining = turns.release(process);
    if (remaining == 0 || stoppedForIdleness || closed || !status.success()) {
      return;
    }
    String tail = status.stderrTail().isBlank() ? "" : ": " + status.stderrTail().strip();
    record(List.of(AgentEvent.processExit(agent.descriptor().displayName()
        + " exited with status 0 before the end of its turn" + tail, status)));
  }

  /** The series this session updates. */
  SessionMetrics metrics() {
    return metrics;
  }

  SessionJournal journal() {
    return journal;
  }

  /** The idempotency keys its messages were accepted with. */
  IdempotencyKeys idempotencyKeys() {
    return idempotencyKeys;
  }

  /**
   * Remembers the idempotency key a message was accepted with, and stores it while the session has
   * not ended (in the log's order, so that a message waits for its key like for its events).
   */
  void acceptedWith(String key, String fingerprint) {
    recordLock.lock();
    try {
      Instant now = clock.instant();
      idempotencyKeys.put(key, fingerprint, now);
      if (ending == null) {
        journal.idempotencyKey(key, fingerprint, now);
      }
    } finally {
      recordLock.unlock();
    }
  }

  /** What the session's turns cost so far, as its agent reported it. */
  public Usage usage() {
    return normalizer.usage();
  }

  /**
   * Takes in the log and ending of a session stored before a restart: readers see the stored
   * events, recording continues their sequences, and a running one reopens its agent with {@code
   * nativeSessionId} to continue.
   */
  void restore(List<RecordedEvent> events, Ending stored, Instant storedEndedAt, String nativeSessionId) {
    recordLock.lock();
    try {
      for (RecordedEvent event : events) {
        normalizer.restore(event.event());
        resumed |= isResumed(event.event());
      }
      restored = true;
      lastSequence = events.size();
      resumeNativeSessionId = nativeSessionId != null ? nativeSessionId : normalizer.nativeSessionId();
      latestNativeSessionId = resumeNativeSessionId;
      if (stored == null) {
        log.append(events);
      } else {
        ending = stored;
        endedAt = storedEndedAt;
        closed = true;
        log.appendAndSeal(events);
      }
    } finally {
      recordLock.unlock();
    }
  }

  /** Whether the session was loaded from the store when this daemon started. */
  public boolean restored() {
    return restored;
  }

  /** Whether its agent was ever reopened after a restart (in this daemon's life or an earlier one). */
  public boolean resumed() {
    return resumed;
  }

  /** Notes that the agent was reopened after a restart. */
  void markResumed() {
    resumed = true;
  }

  private static boolean isResumed(UniversalEvent event) {
    return event.data() instanceof EventData.ItemCompleted completed
        && completed.item().content().stream().anyMatch(part -> part instanceof ContentPart.Status status
            && RESUMED_LABEL.equals(status.label()));
  }

  /** The agent's session id to continue, for a session stored before a restart; else null. */
  String resumeNativeSessionId() {
    return resumeNativeSessionId;
  }

  /** The questions waiting for an answer. */
  List<PendingQuestion> pendingQuestions() {
    recordLock.lock();
    try {
      return normalizer.questions();
    } finally {
      recordLock.unlock();
    }
  }

  /** The permission requests waiting for an answer. */
  List<PendingPermission> pendingPermissions() {
    recordLock.lock();
    try {
      return normalizer.permissions();
    } finally {
      recordLock.unlock();
    }
  }

  /**
   * Notes the native session id {@code batch} announces last and returns the conversation to
   * continue: that id, else the last one announced before, else the session's own. An agent may
   * announce a new id when it continues a conversation (Claude Code does on {@code --resume}); the
   * session keeps the first on its events, and continues the last. Holding recordLock.
   */
  private String conversation(List<AgentEvent> batch) {
    for (AgentEvent candidate : batch) {
      if (candidate.nativeSessionId() != null) {
        latestNativeSessionId = candidate.nativeSessionId();
      }
    }
    return continued();
  }

  /** The agent's conversation to continue after a crash or a restart, or null. */
  String conversationToContinue() {
    recordLock.lock();
    try {
      return continued();
    } finally {
      recordLock.unlock();
    }
  }

  /** Holding recordLock: the last id announced, else the session's own. */
  private String continued() {
    return latestNativeSessionId != null ? latestNativeSessionId : normalizer.nativeSessionId();
  }

  /** The agent's session id as currently known, or null. */
  public String nativeSessionId() {
    recordLock.lock();
    try {
      return normalizer.nativeSessionId();
    } finally {
      recordLock.unlock();
    }
  }

  /** How the session ended, if it has. */
  public Optional<Ending> ending() {
    return Optional.ofNullable(ending);
  }

  /** When the session ended, if it has. */
  Optional<Instant> endedAt() {
    return Optional.ofNullable(endedAt);
  }

  Optional<PendingQuestion> pendingQuestion(String questionId) {
    recordLock.lock();
    try {
      return normalizer.question(questionId);
    } finally {
      recordLock.unlock();
    }
  }

  Optional<PendingPermission> pendingPermission(String permissionId) {
    recordLock.lock();
    try {
      return normalizer.permission(permissionId);
    } finally {
      recordLock.unlock();
    }
  }

  /** Normalizes and records a batch; nothing is recorded once the session has ended. */
  void record(List<AgentEvent> batch) {
    turns.recorded(recordCounting(batch), null);
  }

  /** Records a batch; returns how many of the recorded events end a turn. */
  private int recordCounting(List<AgentEvent> batch) {
    recordLock.lock();
    try {
      if (ending != null) {
        return 0;
      }
      List<RecordedEvent> recorded = normalize(batch);
      log.append(recorded);
      metrics.recorded(recorded.size());
      journal.recorded(recorded, conversation(batch));
      int closed = 0;
      for (RecordedEvent event : recorded) {
        if (turnRule.closesTurn(event.event().data())) {
          closed++;
        }
      }
      return closed;
    } finally {
      recordLock.unlock();
    }
  }

  /**
   * Ends the session: records {@code lastEvents} as the final batch and seals the log. Returns false
   * (recording nothing) if it had already ended.
   */
  boolean end(Ending why, List<AgentEvent> lastEvents) {
    recordLock.lock();
    try {
      if (ending != null) {
        return false;
      }
      ending = why;
      endedAt = clock.instant();
      List<RecordedEvent> recorded = normalize(lastEvents);
      log.appendAndSeal(recorded);
      metrics.recorded(recorded.size());
      metrics.ended(why.reason().wireName());
      journal.recorded(recorded, conversation(lastEvents));
      journal.ended(why, endedAt);
      return true;
    } finally {
      recordLock.unlock();
    }
  }

  private List<RecordedEvent> normalize(List<AgentEvent> batch) {
    List<Normalizer.Accepted> accepted = new ArrayList<>(batch.size() + 2);
    for (AgentEvent candidate : batch) {
      normalizer.process(candidate, accepted);
    }
    if (accepted.isEmpty()) {
      return List.of();
    }
    String time = EventCodec.formatTime(clock.instant());
    List<RecordedEvent> recorded = new ArrayList<>(accepted.size());
    for (Normalizer.Accepted a : accepted) {
      long sequence = ++lastSequence;
      UniversalEvent event = new UniversalEvent(
          "evt_" + sequence, sequence, time, id, a.nativeSessionId(), a.synthetic(),
          a.synthetic() ? EventSource.DAEMON : EventSource.AGENT, a.data(), a.raw());
      recorded.add(codec.encode(event));
    }
    return recorded;
  }

  /**
   * Stops the agent: closes the handle (which may still tell its agent, e.g. cancel the turn over
   * the agent's stdin), then interrupts background tasks and stops every process the session
   * started (and whatever they started, re-parented or not). Idempotent.
   */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    AgentSession h = handle;
    try {
      if (h != null) {
        AgentCalls.run(agent, "close", h::close);
      }
    } catch (AgentFailure e) {
      LOG.log(Level.WARNING, "closing session " + id + " failed: " + e.getMessage());
    } finally {
      context.stop();
    }
  }

  /** Whether the session's agent has been stopped: nothing it emits is recorded any more. */
  boolean closed() {
    return closed;
  }

  /**
   * Ends the session with {@code batch}, which the agent says it cannot go on after (its last event
   * a {@code session.ended}): later messages are refused with the message of an {@code error} in it.
   */
  void endByAgent(List<AgentEvent> batch) {
    if (closed) {
      return;
    }
    EventData.SessionEnded ended = batch.isEmpty() ? null
        : batch.get(batch.size() - 1).data() instanceof EventData.SessionEnded e ? e : null;
    if (ended == null) {
      throw new IllegalArgumentException("a session's last batch must end with session.ended");
    }
    String message = "the agent ended the session";
    Integer exitCode = null;
    for (AgentEvent event : batch) {
      if (event.data() instanceof EventData.Error error) {
        message = error.message();
        if (error.details() instanceof Map<?, ?> details && details.get("exitCode") instanceof Integer code) {
          exitCode = code;
        }
      }
    }
    if (end(new Ending(ended.reason(), ended.terminatedBy(), exitCode, message), batch)) {
      close();
    }
  }

  /** Wakes every reader for good (daemon shutdown). */
  void closeLog() {
    log.close();
  }
}
