package dev.sandboxagent.host.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.host.export.ExportStatus;

/** The body of {@code GET /v1/health} when the daemon exports to an event sink (an addition). */
final class Health {

  private Health() {}

  /** {@code {"status":"ok","eventSink":{"connected":…,"lag":…,"exported":…,"lastError":…,"lastErrorAt":…}}}. */
  static ObjectNode withExport(ObjectMapper mapper, ExportStatus export) {
    ObjectNode body = mapper.createObjectNode().put("status", "ok");
    ObjectNode sink = body.putObject("eventSink")
        .put("connected", export.connected())
        .put("lag", export.lag())
        .put("exported", export.exported())
        .put("lastError", export.lastError());
    sink.put("lastErrorAt", export.lastErrorAt() == null ? null : export.lastErrorAt().toString());
    return body;
  }
}
