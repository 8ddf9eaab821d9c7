package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.PermissionStatus;
import dev.sandboxagent.api.event.QuestionStatus;
import dev.sandboxagent.api.event.SessionEndReason;
import dev.sandboxagent.api.event.TerminatedBy;
import dev.sandboxagent.api.event.UniversalEvent;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.host.plugin.LoadedAgent;
import dev.sandboxagent.host.store.StoreException;
import dev.sandboxagent.host.store.StoredEnding;
import dev.sandboxagent.host.store.StoredEvent;
import dev.sandboxagent.host.store.StoredIdempotencyKey;
import dev.sandboxagent.host.store.StoredSession;
import dev.sandboxagent.host.tenant.Tenant;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rebuilds the sessions a daemon stored before it stopped: each with its log and ending, listed as
 * before. A session that was running stays open: its agent is reopened by its next message (see
 * {@link SessionManager#send}). Questions and permission requests it was waiting on are resolved as
 * rejected, since the agent that asked is gone.
 */
public final class SessionRestorer {

  private static final System.Logger LOG = System.getLogger(SessionRestorer.class.getName());

  /** The reason recorded with the questions and permissions a restart left unanswered. */
  static final String RESTART_REASON = "the agent went away when the daemon restarted";

  private final SessionManager manager;
  private final ObjectMapper mapper;
  private final Function<String, Tenant> tenants;
  private final Duration retention;

  /**
   * @param tenants the configured tenant of an id (a placeholder for one no longer configured)
   * @param retention how long ended sessions are kept (older ones are removed instead of restored),
   *     or null to keep them
   */
  public SessionRestorer(
      SessionManager manager, ObjectMapper mapper, Function<String, Tenant> tenants, Duration retention) {
    this.manager = requireNonNull(manager, "manager is null");
    this.mapper = requireNonNull(mapper, "mapper is null");
    this.tenants = requireNonNull(tenants, "tenants is null");
    this.retention = retention;
  }

  /**
   * Restores every stored session once the agents are loaded, then lets requests in. Sessions of an
   * agent no longer installed stay in the store but are not served; ended sessions past the
   * retention are removed from the store, whatever their agent.
   */
  public void restore() {
    List<Session> restored = new ArrayList<>();
    try {
      List<StoredSession> stored = manager.store().load();
      if (stored.isEmpty()) {
        return;
      }
      manager.registry().awaitLoaded();
      Map<String, String> environment = manager.environment().get();
      Instant cutoff = retention == null ? Instant.MIN : manager.clock().instant().minus(retention);
      for (StoredSession s : stored) {
        if (s.ending() != null && s.ending().at().isBefore(cutoff)) {
          manager.store().delete(s.tenant(), s.id());
          continue;
        }
        try {
          restoreOne(s, environment).ifPresent(restored::add);
        } catch (RuntimeException e) {
          LOG.log(Level.ERROR, "cannot restore session " + s.id() + ": " + e.getMessage(), e);
        }
      }
    } catch (StoreException e) {
      // The database cannot be read: the daemon's start reports it and stops.
      manager.unreadable();
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "restoring the stored sessions failed", e);
    } finally {
      manager.restored(restored);
    }
  }

  private Optional<Session> restoreOne(StoredSession stored, Map<String, String> daemonEnvironment) {
    Optional<LoadedAgent> found = manager.registry().find(stored.agent());
    if (found.isEmpty()) {
      LOG.log(Level.WARNING, "session " + stored.id() + " is not served: its agent " + stored.agent()
          + " is not loaded");
      return Optional.empty();
    }
    LoadedAgent agent = found.get();
    AgentDescriptor descriptor = agent.descriptor();
    Tenant tenant = tenants.apply(stored.tenant());
    SessionSettings settings = new SessionSettings(descriptor.id(), stored.agentMode(),
        PermissionMode.parse(stored.permissionMode()).orElse(PermissionMode.DEFAULT), stored.model(), stored.variant());
    Path binary = descriptor.builtin() ? null : manager.catalog().resolve(descriptor).orElse(null);
    Map<String, String> env = new LinkedHashMap<>(daemonEnvironment);
    env.putAll(tenant.environment());
    Session session = new Session(tenant, stored.id(), agent, settings, manager.codec(), manager.clock(), binary,
        manager.workingDirectory(), env, manager.resources(), new SessionJournal(manager.store(), tenant.id(), stored.id(),
            stored.nativeSessionId()), manager.metrics().session(agent.id(), tenant.id()));
    session.restore(decode(stored), ending(stored.ending()), stored.ending() == null ? null : stored.ending().at(),
        stored.nativeSessionId());
    for (StoredIdempotencyKey key : stored.idempotencyKeys()) {
      session.idempotencyKeys().put(key.key(), key.fingerprint(), key.at());
    }
    if (session.ending().isEmpty()) {
      rejectPending(session);
    }
    return Optional.of(session);
  }

  private List<RecordedEvent> decode(StoredSession stored) {
    List<RecordedEvent> events = new ArrayList<>(stored.events().size());
    for (StoredEvent e : stored.events()) {
      try {
        events.add(new RecordedEvent(mapper.readValue(e.jsonWithRaw(), UniversalEvent.class), e.json(),
            e.jsonWithRaw()));
      } catch (IOException | RuntimeException ex) {
        LOG.log(Level.ERROR, "session " + stored.id() + ": stored event " + e.sequence()
            + " cannot be read; the log ends before it: " + ex.getMessage());
        break;
      }
    }
    return events;
  }

  private static Ending ending(StoredEnding stored) {
    if (stored == null) {
      return null;
    }
    return new Ending(SessionEndReason.valueOf(stored.reason()), TerminatedBy.valueOf(stored.terminatedBy()),
        stored.exitCode(), stored.message());
  }

  private static void rejectPending(Session session) {
    Map<String, String> reason = Map.of("reason", RESTART_REASON);
    List<AgentEvent> resolutions = new ArrayList<>();
    for (PendingQuestion q : session.pendingQuestions()) {
      resolutions.add(AgentEvent.synthetic(new EventData.QuestionResolved(
          q.questionId(), q.prompt(), q.options(), null, QuestionStatus.REJECTED)).withRaw(reason));
    }
    for (PendingPermission p : session.pendingPermissions()) {
      resolutions.add(AgentEvent.synthetic(new EventData.PermissionResolved(
          p.permissionId(), p.action(), PermissionStatus.DENIED, p.metadata())).withRaw(reason));
    }
    if (!resolutions.isEmpty()) {
      session.record(resolutions);
    }
  }

  /** A completed status item with this label and detail. */
  static EventData statusItem(String label, String detail) {
    return new EventData.ItemCompleted(UniversalItem.of(null, ItemKind.STATUS, ItemRole.SYSTEM,
        List.of(new ContentPart.Status(label, detail)), ItemStatus.COMPLETED));
  }
}
