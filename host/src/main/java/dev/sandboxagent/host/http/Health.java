package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.export.ExportStatus;
import dev.sandboxagent.host.store.StoreStatus;

/**
 * The body of {@code GET /v1/health} when there is more to say than {@code {"status":"ok"}} (an
 * addition): the event export's state when the daemon exports to a sink, and the session store's
 * while it cannot write. The status stays {@code ok}: the daemon serves on from memory. The health
 * check needs no token, and the errors can name the database's host and port or the data
 * directory's path: they ({@code lastError}, {@code lastErrorAt}) are shown only to a caller with an
 * admin token, or to any caller of a daemon without tokens.
 */
final class Health {

  private Health() {}

  /**
   * {@code {"status":"ok","eventSink":{"connected":…,"lag":…,"exported":…,"lastError":…,"lastErrorAt":…},
   * "store":{"writing":false,"pendingWrites":…,"lastError":…,"failingSince":…}}}, each part only when it applies.
   *
   * @param errors whether to show the errors (to an admin)
   */
  static ObjectNode of(ObjectMapper mapper, ExportStatus export, StoreStatus store, boolean errors) {
    ObjectNode body = mapper.createObjectNode().put("status", "ok");
    if (export != null) {
      ObjectNode sink = body.putObject("eventSink")
          .put("connected", export.connected())
          .put("lag", export.lag())
          .put("exported", export.exported());
      if (errors) {
        sink.put("lastError", export.lastError());
        sink.put("lastErrorAt", export.lastErrorAt() == null ? null : export.lastErrorAt().toString());
      }
    }
    if (store.failing()) {
      ObjectNode part = body.putObject("store")
          .put("writing", false)
          .put("pendingWrites", store.pendingWrites());
      if (errors) {
        part.put("lastError", store.lastError());
      }
      part.put("failingSince", store.failingSince() == null ? null : store.failingSince().toString());
    }
    return body;
  }
}
