package dev.sandboxagent.host.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * A session as stored: who owns it, how it was created, what the agent called it, how it ended,
 * and (when loaded) its events.
 *
 * @param tenant the owning tenant's id
 * @param id the session id
 * @param agent the agent id
 * @param agentMode the normalized agent mode
 * @param permissionMode the permission mode's wire name
 * @param model the model, or null
 * @param variant the variant, or null
 * @param nativeSessionId the agent's own session id when known, else null
 * @param created when the session was created
 * @param ending how it ended, or null while it runs
 * @param events its events in sequence order (empty when saving)
 * @param idempotencyKeys the keys its messages were accepted with (empty when saving)
 */
public record StoredSession(
    String tenant, String id, String agent, String agentMode, String permissionMode, String model, String variant,
    String nativeSessionId, Instant created, StoredEnding ending, List<StoredEvent> events,
    List<StoredIdempotencyKey> idempotencyKeys) {
  public StoredSession {
    requireNonNull(tenant, "tenant is null");
    requireNonNull(id, "id is null");
    requireNonNull(agent, "agent is null");
    requireNonNull(agentMode, "agentMode is null");
    requireNonNull(permissionMode, "permissionMode is null");
    requireNonNull(created, "created is null");
    events = List.copyOf(requireNonNull(events, "events is null"));
    idempotencyKeys = List.copyOf(requireNonNull(idempotencyKeys, "idempotencyKeys is null"));
  }
}
