package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.PermissionStatus;
import dev.sandboxagent.api.event.QuestionStatus;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.host.agent.AgentAccess;
import dev.sandboxagent.host.agent.AgentCalls;
import dev.sandboxagent.host.agent.AgentFailure;
import dev.sandboxagent.host.agent.AgentStateDirectories;
import dev.sandboxagent.host.agent.SharedServers;
import dev.sandboxagent.host.install.AgentCatalog;
import dev.sandboxagent.host.metrics.AgentTenant;
import dev.sandboxagent.host.metrics.DaemonMetrics;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.LoadedAgent;
import dev.sandboxagent.host.process.ProcessSupervisor;
import dev.sandboxagent.host.store.SessionStore;
import dev.sandboxagent.host.tenant.Tenant;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** Owns every session of the daemon: creation, commands, termination and shutdown. */
public final class SessionManager {

  private static final System.Logger LOG = System.getLogger(SessionManager.class.getName());
  private static final int MAX_SESSION_ID_LENGTH = 512;
  /** How long a message waits for the store before it is acknowledged anyway (from memory). */
  private static final Duration DURABLE_TIMEOUT = Duration.ofSeconds(10);

  private final AdapterRegistry registry;
  private final AgentCatalog catalog;
  private final EventCodec codec;
  private final Clock clock;
  private final Path workingDirectory;
  private final Supplier<Map<String, String>> environment;
  private final SessionResources resources;
  private final SessionStore store;
  private final DaemonMetrics metrics;
  private final CountDownLatch restored = new CountDownLatch(1);
  // Sessions are keyed by tenant and id: each tenant has its own namespace of session ids, and
  // another tenant's id is simply not found.
  private final Map<Key, Session> sessions = new ConcurrentHashMap<>();
  private final Map<Key, Boolean> reserved = new ConcurrentHashMap<>();
  private final Map<String, Object> tenantLocks = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<Session> newestFirst = new ConcurrentLinkedDeque<>();
  private volatile boolean shuttingDown;
  /** Whether the store could not be read: the daemon's start stops, and nothing is served meanwhile. */
  private volatile boolean unreadable;

  public SessionManager(
      AdapterRegistry registry, AgentCatalog catalog, EventCodec codec, Clock clock, Path workingDirectory,
      Supplier<Map<String, String>> environment, ProcessSupervisor processes) {
    this(registry, catalog, codec, clock, workingDirectory, environment, processes, SessionStore.ephemeral(),
        AgentStateDirectories.temporary(), DaemonMetrics.standalone());
    restored.countDown();
  }

  /**
   * A manager whose sessions are written to {@code store} and counted in {@code metrics}, and whose
   * agents keep their state in {@code states}. Requests wait until {@link SessionRestorer} has
   * restored the stored sessions.
   */
  public SessionManager(
      AdapterRegistry registry, AgentCatalog catalog, EventCodec codec, Clock clock, Path workingDirectory,
      Supplier<Map<String, String>> environment, ProcessSupervisor processes, SessionStore store,
      AgentStateDirectories states, DaemonMetrics metrics) {
    this.store = requireNonNull(store, "store is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    metrics.runningSessions(this::running);
    this.registry = requireNonNull(registry, "registry is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.codec = requireNonNull(codec, "codec is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.workingDirectory = requireNonNull(workingDirectory, "workingDirectory is null");
    this.environment = requireNonNull(environment, "environment is null");
    this.resources = new SessionResources(processes, new SharedServers(), states);
  }

  /** Rejects ids that could not round-trip through a URL path or a log line. */
  public static void validateSessionId(String id) {
    if (id.isEmpty() || id.length() > MAX_SESSION_ID_LENGTH) {
      throw SessionException.invalidRequest("session id must be 1 to " + MAX_SESSION_ID_LENGTH + " characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || c == '\\') {
        throw SessionException.invalidRequest("session id must not contain path separators");
      }
      if (Character.isISOControl(c)) {
        throw SessionException.invalidRequest("session id must not contain control characters");
      }
    }
  }

  private record Key(String tenant, String id) {}

  /**
   * Creates a session for {@code tenant}, in the order of checks the API specifies (the tenant's
   * agent set and session limit after the agent lookup). Returns it once registered.
   */
  public Session create(Tenant tenant, String id, CreateSessionRequest request) {
    validateSessionId(id);
    awaitRestored();
    LoadedAgent agent = AgentAccess.usable(registry, tenant, request.agent());
    if (shuttingDown) {
      throw SessionException.unavailable("daemon is shutting down");
    }
    Key key = new Key(tenant.id(), id);
    reserve(tenant, key);
    try {
      return createReserved(tenant, key, agent, request);
    } finally {
      reserved.remove(key);
    }
  }

  /** Claims the id, within the tenant's limit of running sessions (checked and claimed atomically). */
  private void reserve(Tenant tenant, Key key) {
    synchronized (tenantLocks.computeIfAbsent(tenant.id(), k -> new Object())) {
      if (sessions.containsKey(key) || reserved.containsKey(key)) {
        throw SessionException.alreadyExists(key.id());
      }
      if (tenant.maxSessions() > 0) {
        long running = sessions.values().stream()
            .filter(s -> s.tenant().id().equals(tenant.id()) && s.ending().isEmpty()).count()
            + reserved.keySet().stream()
                .filter(k -> k.tenant().equals(tenant.id()) && !sessions.containsKey(k)).count();
        if (running >= tenant.maxSessions()) {
          throw SessionException.tooManySessions(tenant.maxSessions());
        }
      }
      reserved.put(key, Boolean.TRUE);
    }
  }

  private Session createReserved(Tenant tenant, Key key, LoadedAgent agent, CreateSessionRequest request) {
    String id = key.id();
    AgentDescriptor descriptor = agent.descriptor();
    if (!descriptor.builtin()) {
      catalog.install(agent, false, request.agentVersion());
    }
    SessionSettings settings = normalizeModes(descriptor, request);
    Path binary = descriptor.builtin() ? null : catalog.resolve(descriptor).orElse(null);
    Map<String, String> env = new LinkedHashMap<>(environment.get());
    env.putAll(tenant.environment());
    Session session = new Session(tenant, id, agent, settings, codec, clock, binary, workingDirectory, env, resources,
        new SessionJournal(store, tenant.id(), id, null), metrics.session(agent.id(), tenant.id()));
    session.journal().created(settings, clock.instant());
    AgentSession handle;
    try {
      handle = AgentCalls.call(agent, "open", () -> agent.adapter().open(session.context()));
    } catch (RuntimeException e) {
      // Never created: nothing of it stays in the store.
      session.journal().deleted();
      throw e;
    }
    session.attach(handle);
    String nativeSessionId;
    try {
      nativeSessionId = AgentCalls.callNullable(agent, "nativeSessionId", handle::nativeSessionId);
    } catch (AgentFailure e) {
      nativeSessionId = null;
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("agent", request.agent());
    metadata.put("agentMode", settings.agentMode());
    metadata.put("permissionMode", settings.permissionMode().wireName());
    metadata.put("model", settings.model());
    metadata.put("variant", settings.variant());
    session.record(List.of(
        AgentEvent.synthetic(new EventData.SessionStarted(metadata)).withNativeSessionId(nativeSessionId)));
    sessions.put(key, session);
    newestFirst.addFirst(session);
    session.metrics().created();
    if (shuttingDown) {
      session.close();
    }
    return session;
  }

  private static SessionSettings normalizeModes(AgentDescriptor descriptor, CreateSessionRequest request) {
    String agentMode = request.agentMode() == null ? "build" : request.agentMode();
    if (!descriptor.acceptsAgentMode(agentMode)) {
      throw SessionException.modeNotSupported(descriptor.id(), agentMode);
    }
    String permissionValue = request.permissionMode() == null ? "default" : request.permissionMode();
    PermissionMode permissionMode = PermissionMode.parse(permissionValue)
        .orElseThrow(() -> SessionException.invalidRequest("invalid permission mode: " + permissionValue));
    if (!descriptor.permissionModes().contains(permissionMode)) {
      throw SessionException.modeNotSupported(descriptor.id(), permissionValue);
    }
    return new SessionSettings(descriptor.id(), agentMode, permissionMode, request.model(), request.variant());
  }

  /** The tenant's sessions, newest first. */
  public List<Session> list(Tenant tenant) {
    awaitRestored();
    List<Session> list = new ArrayList<>();
    for (Session session : newestFirst) {
      if (session.tenant().id().equals(tenant.id())) {
        list.add(session);
      }
    }
    return list;
  }

  /** The tenant's session with this id. */
  public Session get(Tenant tenant, String id) {
    awaitRestored();
    Session session = sessions.get(new Key(tenant.id(), id));
    if (session == null) {
      throw SessionException.notFound(id);
    }
    return session;
  }

  /** Hands a message to the session's agent. */
  public void send(Tenant tenant, String id, String message) {
    send(tenant, id, MessageRequest.text(message), null);
  }

  /**
   * Hands a message and its attachments to the session's agent once per idempotency key: a message
   * sent again with a key it was accepted with (within {@link IdempotencyKeys#KEPT}) is not handed
   * over again, and the key with another message is refused. The attachments are read when the
   * message arrives, and refused when the agent does not take their kind.
   *
   * @param idempotencyKey the client's key, or null for none
   */
  public void send(Tenant tenant, String id, MessageRequest message, String idempotencyKey) {
    if (idempotencyKey != null) {
      IdempotencyKeys.validate(idempotencyKey);
    }
    Session session = get(tenant, id);
    List<Attachment> attachments = Attachments.read(session.context().workingDirectory(), message.attachments());
    Attachments.checkAccepted(session.agent().id(), session.agent().descriptor(), attachments);
    String fingerprint =
        idempotencyKey == null ? null : IdempotencyKeys.fingerprint(message.text(), attachments);
    session.commandLock().lock();
    try {
      // A message sent again is answered as the first was, once that one is stored too.
      boolean again = idempotencyKey != null
          && session.idempotencyKeys().accepted(id, idempotencyKey, fingerprint, clock.instant());
      if (!again) {
        handOver(session, message.text(), attachments);
        if (idempotencyKey != null) {
          session.acceptedWith(idempotencyKey, fingerprint);
        }
      }
    } finally {
      session.commandLock().unlock();
    }
    awaitDurable(session);
  }

  /** Holding the command lock: the message goes to the agent, reopened first after a restart. */
  private void handOver(Session session, String message, List<Attachment> attachments) {
    checkAccepting(session);
    if (session.handle() == null) {
      reopen(session);
    }
    session.turnOpening();
    try {
      AgentCalls.run(session.agent(), "send", () -> session.handle().send(message, attachments));
    } catch (RuntimeException e) {
      session.turnAbandoned();
      throw e;
    }
  }

  /** Forgets, in memory and in the store, the idempotency keys accepted before {@code before}. */
  void expireIdempotencyKeys(Instant before) {
    awaitRestored();
    for (Session session : sessions.values()) {
      session.idempotencyKeys().expire(before);
    }
    store.expireIdempotencyKeys(before);
  }

  /**
   * Reopens the agent of a session stored before a restart, continuing the agent's own session
   * where it can, and records that it did.
   */
  private void reopen(Session session) {
    LoadedAgent agent = session.agent();
    AgentSession handle = AgentCalls.call(agent, "open", () -> agent.adapter().open(session.context()));
    session.attach(handle);
    String nativeId = session.resumeNativeSessionId();
    String detail = "the daemon restarted; "
        + (nativeId == null ? "the agent starts a new session" : "continuing the agent's session " + nativeId);
    session.record(List.of(AgentEvent.synthetic(SessionRestorer.statusItem(Session.RESUMED_LABEL, detail))));
    session.markResumed();
  }

  /** Waits until the session's events so far are stored (the store catches up later if it cannot). */
  private void awaitDurable(Session session) {
    try {
      if (!session.journal().awaitDurable(DURABLE_TIMEOUT)) {
        LOG.log(Level.WARNING, "session " + session.id() + ": a message is acknowledged before it is stored");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SessionException.unavailable("interrupted while storing the message");
    }
  }

  /** Marks the stored sessions as restored: requests waiting for them go on. */
  /** The store cannot be read: requests waiting for the stored sessions are refused, not served from nothing. */
  void unreadable() {
    unreadable = true;
  }

  void restored(List<Session> restoredSessions) {
    for (Session session : restoredSessions) {
      sessions.put(new Key(session.tenant().id(), session.id()), session);
      newestFirst.addFirst(session);
    }
    restored.countDown();
  }

  /**
   * Why requests cannot be served now: the stored sessions are being restored, or the daemon is
   * shutting down. Empty when they can.
   */
  public List<String> notReady() {
    List<String> reasons = new ArrayList<>();
    if (restored.getCount() > 0) {
      reasons.add("the stored sessions are being restored");
    }
    if (shuttingDown) {
      reasons.add("the daemon is shutting down");
    }
    return reasons;
  }

  private void awaitRestored() {
    try {
      restored.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SessionException.unavailable("interrupted while restoring sessions");
    }
    if (unreadable) {
      throw SessionException.unavailable("the session store cannot be read; the daemon is stopping");
    }
  }

  SessionResources resources() {
    return resources;
  }

  /** The servers agents share among sessions of a sharing scope. */
  public SharedServers sharedServers() {
    return resources.sharedServers();
  }

  SessionStore store() {
    return store;
  }

  DaemonMetrics metrics() {
    return metrics;
  }

  /** The sessions that have not ended, counted by agent and tenant. */
  private Map<AgentTenant, Integer> running() {
    Map<AgentTenant, Integer> running = new HashMap<>();
    for (Session session : sessions.values()) {
      if (session.ending().isEmpty()) {
        running.merge(new AgentTenant(session.agent().id(), session.tenant().id()), 1, Integer::sum);
      }
    }
    return running;
  }

  AdapterRegistry registry() {
    return registry;
  }

  AgentCatalog catalog() {
    return catalog;
  }

  EventCodec codec() {
    return codec;
  }

  Clock clock() {
    return clock;
  }

  Path workingDirectory() {
    return workingDirectory;
  }

  Supplier<Map<String, String>> environment() {
    return environment;
  }

  /**
   * Starts a one-turn stream: checks the session, notes the log position, sends the message, and
   * returns the sequence after which the turn's events start.
   */
  public long startTurn(Tenant tenant, String id, MessageRequest message) {
    Session session = get(tenant, id);
    checkAccepting(session);
    long from = session.log().size();
    send(tenant, id, message, null);
    return from;
  }

  /** Terminates a session: stops its agent and records {@code session.ended} as its last event. */
  public void terminate(Tenant tenant, String id) {
    Session session = get(tenant, id);
    if (session.ending().isPresent()) {
      return;
    }
    session.close();
    session.end(Ending.terminatedByDaemon(), List.of(AgentEvent.synthetic(new EventData.SessionEnded(
        dev.sandboxagent.api.event.SessionEndReason.TERMINATED, TerminatedBy.DAEMON))));
  }

  /**
   * Deletes a session: terminates it if it runs, then removes it and its events, from memory and
   * from the store. Its readers are woken and end.
   */
  public void delete(Tenant tenant, String id) {
    Session session = get(tenant, id);
    terminate(tenant, id);
    if (!remove(session)) {
      throw SessionException.notFound(id);
    }
  }

  /**
   * Removes the sessions that ended before {@code cutoff} and their events, from memory and from
   * the store; their readers are woken and end. Returns how many were removed.
   */
  int removeEndedBefore(Instant cutoff) {
    awaitRestored();
    int removed = 0;
    for (Session session : List.copyOf(newestFirst)) {
      if (session.endedAt().filter(ended -> ended.isBefore(cutoff)).isPresent() && remove(session)) {
        removed++;
      }
    }
    return removed;
  }

  /** Removes a session from memory and the store, unless another removal came first. */
  private boolean remove(Session session) {
    Key key = new Key(session.tenant().id(), session.id());
    synchronized (tenantLocks.computeIfAbsent(key.tenant(), k -> new Object())) {
      if (!sessions.remove(key, session)) {
        return false;
      }
      newestFirst.remove(session);
      session.journal().deleted();
    }
    session.closeLog();
    return true;
  }

  /**
   * Answers a pending question: one list of labels per question, no more lists than it has
   * questions; it stays pending if forwarding fails.
   */
  public void replyQuestion(Tenant tenant, String id, String questionId, List<List<String>> answers) {
    String response = !answers.isEmpty() && !answers.get(0).isEmpty() ? answers.get(0).get(0) : null;
    resolve(get(tenant, id), s -> s.pendingQuestion(questionId).map(q -> answerable(q, answers)),
        "unknown question id: " + questionId,
        "replyQuestion", (handle, question) -> handle.replyQuestion(question, answers),
        question -> new EventData.QuestionResolved(questionId, question.prompt(), question.options(), response,
            QuestionStatus.ANSWERED, question.questions(), answers));
  }

  private static PendingQuestion answerable(PendingQuestion question, List<List<String>> answers) {
    int asked = question.questions().size();
    if (answers.size() > asked) {
      throw SessionException.invalidRequest("answers has " + answers.size() + " lists but question "
          + question.questionId() + " asks " + asked + (asked == 1 ? " question" : " questions"));
    }
    return question;
  }

  /** Rejects a pending question; it stays pending if forwarding fails. */
  public void rejectQuestion(Tenant tenant, String id, String questionId) {
    resolve(get(tenant, id), s -> s.pendingQuestion(questionId), "unknown question id: " + questionId,
        "rejectQuestion", AgentSession::rejectQuestion,
        question -> new EventData.QuestionResolved(questionId, question.prompt(), question.options(), null,
            QuestionStatus.REJECTED, question.questions(), null));
  }

  /** Answers a pending permission request; it stays pending if forwarding fails. */
  public void replyPermission(Tenant tenant, String id, String permissionId, PermissionReply reply) {
    PermissionStatus status = reply == PermissionReply.REJECT ? PermissionStatus.DENIED : PermissionStatus.APPROVED;
    resolve(get(tenant, id), s -> s.pendingPermission(permissionId), "unknown permission id: " + permissionId,
        "replyPermission", (handle, permission) -> handle.replyPermission(permission, reply),
        permission -> new EventData.PermissionResolved(permissionId, permission.action(), status, permission.metadata()));
  }

  /**
   * Resolves a pending request: looks it up, applies the acceptance rule, forwards it to the agent,
   * and only then records the resolution, so that a failed forward leaves it pending for a retry.
   */
  private <P> void resolve(
      Session session, Function<Session, Optional<P>> lookup, String unknownMessage, String method,
      BiConsumer<AgentSession, P> forward, Function<P, EventData> resolution) {
    session.commandLock().lock();
    try {
      P pending = lookup.apply(session).orElseThrow(() -> SessionException.invalidRequest(unknownMessage));
      checkAccepting(session);
      AgentCalls.run(session.agent(), method, () -> forward.accept(session.handle(), pending));
      session.record(List.of(AgentEvent.synthetic(resolution.apply(pending))));
    } finally {
      session.commandLock().unlock();
    }
  }

  /** The message-acceptance rule. */
  static void checkAccepting(Session session) {
    Ending ending = session.ending().orElse(null);
    if (ending == null) {
      return;
    }
    if (ending.terminatedBy() == TerminatedBy.DAEMON) {
      throw SessionException.terminated(session.id());
    }
    throw AgentFailure.processExited(session.agent().id(), ending.exitCode(), ending.message());
  }

  /** Stops every session's agent and wakes every reader. Called once at daemon shutdown. */
  public void shutdown() {
    shuttingDown = true;
    for (Session session : sessions.values()) {
      session.close();
      session.closeLog();
    }
    resources.sharedServers().closeAll();
  }

  /**
   * Removes the agents' state directories if they are temporary (an ephemeral daemon's). Called
   * once at daemon shutdown, after the agents' processes have stopped.
   */
  public void closeStateDirectories() {
    resources.stateDirectories().close();
  }
}
