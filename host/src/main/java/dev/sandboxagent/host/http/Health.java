package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.export.ExportStatus;
import dev.sandboxagent.host.store.StoreStatus;

/**
 * The body of {@code GET /v1/health} when there is more to say than {@code {"status":"ok"}} (an
 * addition): the event export's state when the daemon exports to a sink, and the session store's
 * while it cannot write. The status stays {@code ok}: the daemon serves on from memory.
 */
final class Health {

  private Health() {}

  /**
   * {@code {"status":"ok","eventSink":{"connected":…,"lag":…,"exported":…,"lastError":…,"lastErrorAt":…},
   * "store":{"writing":false,"pendingWrites":…,"lastError":…,"failingSince":…}}}, each part only when it applies.
   */
  static ObjectNode of(ObjectMapper mapper, ExportStatus export, StoreStatus store) {
    ObjectNode body = mapper.createObjectNode().put("status", "ok");
    if (export != null) {
      ObjectNode sink = body.putObject("eventSink")
          .put("connected", export.connected())
          .put("lag", export.lag())
          .put("exported", export.exported())
          .put("lastError", export.lastError());
      sink.put("lastErrorAt", export.lastErrorAt() == null ? null : export.lastErrorAt().toString());
    }
    if (store.failing()) {
      body.putObject("store")
          .put("writing", false)
          .put("pendingWrites", store.pendingWrites())
          .put("lastError", store.lastError())
          .put("failingSince", store.failingSince() == null ? null : store.failingSince().toString());
    }
    return body;
  }
}
