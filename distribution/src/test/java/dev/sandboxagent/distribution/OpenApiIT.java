package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document the shipped daemon serves describes what it really answers: every status
 * and body of the mock's flows, problems included, and recorded events of every type, validated
 * with a JSON-schema validator so the document cannot drift from the code.
 */
@Timeout(120)
class OpenApiIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path work;

  @Test
  void theServedDocumentDescribesEveryAnswerAndEveryEventType() throws Exception {
    try (Launcher daemon = Launcher.start(work, "oa-token")) {
      HttpResponse<String> served = daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/v1/openapi.json"))
          .GET().build());
      assertThat(served.statusCode()).as("served without a token").isEqualTo(200);
      assertThat(served.headers().firstValue("content-type")).hasValue("application/json");
      JsonNode doc = Launcher.JSON.readTree(served.body());
      assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
      Document api = new Document(doc);
      api.check("get", "/v1/openapi.json", served);

      api.check("get", "/v1/health", daemon.get("/v1/health"));
      api.check("get", "/v1/health/live", daemon.get("/v1/health/live"));
      api.check("get", "/v1/health/ready", daemon.get("/v1/health/ready"));
      api.check("get", "/metrics", daemon.get("/metrics"));
      api.check("get", "/metrics", daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/metrics"))
          .GET().build()));
      api.check("get", "/v1/agents", daemon.get("/v1/agents"));
      api.check("get", "/v1/agents/{agent}/modes", daemon.get("/v1/agents/mock/modes"));
      api.check("get", "/v1/agents/{agent}/modes", daemon.get("/v1/agents/nope/modes"));
      api.check("post", "/v1/agents/{agent}/install", daemon.post("/v1/agents/mock/install", "{}"));
      api.check("post", "/v1/agents/{agent}/install", daemon.send(daemon.request("/v1/agents/mock/install")
          .header("Content-Type", "application/json").header("Prefer", "return=representation")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build()));
      api.check("get", "/v1/plugins", daemon.get("/v1/plugins"));
      api.check("post", "/v1/plugins/rescan", daemon.post("/v1/plugins/rescan", ""));
      api.check("get", "/v1/agents", daemon.send(HttpRequest.newBuilder(URI.create(daemon.base + "/v1/agents"))
          .header("Authorization", "Bearer wrong").GET().build()));

      api.check("post", "/v1/sessions/{session_id}", daemon.post("/v1/sessions/oa", "{\"agent\":\"mock\"}"));
      api.check("post", "/v1/sessions/{session_id}", daemon.post("/v1/sessions/oa", "{\"agent\":\"mock\"}"));
      api.check("post", "/v1/sessions/{session_id}", daemon.post("/v1/sessions/x", "{\"agent\":\"nope\"}"));
      api.check("post", "/v1/sessions/{session_id}", daemon.post("/v1/sessions/x", "{\"agent\":"));
      api.check("post", "/v1/sessions/{session_id}", daemon.post("/v1/sessions/x", "{\"agent\":7}"));
      api.check("post", "/v1/sessions/{session_id}", daemon.send(daemon.request("/v1/sessions/x")
          .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("mock")).build()));
      api.check("get", "/v1/sessions", daemon.get("/v1/sessions"));

      for (String command : List.of("demo", "markdown", "tool", "status", "image", "unknown", "error", "unparsed",
          "echo hi")) {
        api.check("post", "/v1/sessions/{session_id}/messages",
            daemon.post("/v1/sessions/oa/messages", "{\"message\":\"" + command + "\"}"));
      }
      api.check("post", "/v1/sessions/{session_id}/messages", daemon.post("/v1/sessions/none/messages",
          "{\"message\":\"hi\"}"));
      // A retry with the same Idempotency-Key, then the key with another message.
      List<Integer> statuses = new ArrayList<>();
      for (String message : List.of("echo once", "echo once", "echo twice")) {
        HttpResponse<String> sent = daemon.send(daemon.request("/v1/sessions/oa/messages")
            .header("Content-Type", "application/json").header("Idempotency-Key", "oa-retry")
            .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + message + "\"}")).build());
        api.check("post", "/v1/sessions/{session_id}/messages", sent);
        statuses.add(sent.statusCode());
      }
      assertThat(statuses).containsExactly(204, 204, 422);
      api.check("post", "/v1/sessions/{session_id}/messages/stream", daemon.post("/v1/sessions/oa/messages/stream",
          "{\"message\":\"question\"}"));
      String question = daemon.awaitEvent("oa", 0, Launcher.ofType("question.requested"), WAIT)
          .get("data").get("question_id").asText();
      api.check("post", "/v1/sessions/{session_id}/questions/{question_id}/reply",
          daemon.post("/v1/sessions/oa/questions/" + question + "/reply", "{\"answers\":[[\"Red\"]]}"));
      api.check("post", "/v1/sessions/{session_id}/questions/{question_id}/reject",
          daemon.post("/v1/sessions/oa/questions/" + question + "/reject", ""));
      daemon.post("/v1/sessions/oa/messages", "{\"message\":\"permission\"}");
      String permission = daemon.awaitEvent("oa", 0, Launcher.ofType("permission.requested"), WAIT)
          .get("data").get("permission_id").asText();
      api.check("post", "/v1/sessions/{session_id}/permissions/{permission_id}/reply",
          daemon.post("/v1/sessions/oa/permissions/" + permission + "/reply", "{\"reply\":\"once\"}"));
      api.check("post", "/v1/sessions/{session_id}/permissions/{permission_id}/reply",
          daemon.post("/v1/sessions/oa/permissions/" + permission + "/reply", "{\"reply\":\"maybe\"}"));
      daemon.awaitEvent("oa", 0, Launcher.ofType("permission.resolved"), WAIT);

      api.check("get", "/v1/sessions/{session_id}/events", daemon.get("/v1/sessions/oa/events?offset=0&limit=5"));
      api.check("get", "/v1/sessions/{session_id}/events", daemon.get("/v1/sessions/oa/events?offset=x"));
      api.check("get", "/v1/sessions/{session_id}/events", daemon.get("/v1/sessions/none/events"));
      api.check("get", "/v1/sessions/{session_id}/events/sse", daemon.get("/v1/sessions/none/events/sse"));

      daemon.post("/v1/sessions/ended", "{\"agent\":\"mock\"}");
      daemon.post("/v1/sessions/ended/messages", "{\"message\":\"end\"}");
      daemon.awaitEvent("ended", 0, Launcher.ofType("session.ended"), WAIT);
      api.check("post", "/v1/sessions/{session_id}/terminate", daemon.post("/v1/sessions/oa/terminate", ""));
      api.check("post", "/v1/sessions/{session_id}/terminate", daemon.post("/v1/sessions/none/terminate", ""));
      api.check("get", "/v1/sessions", daemon.get("/v1/sessions"));

      daemon.post("/v1/sessions/gone", "{\"agent\":\"mock\"}");
      api.check("delete", "/v1/sessions/{session_id}", daemon.send(daemon.request("/v1/sessions/gone").DELETE().build()));
      api.check("delete", "/v1/sessions/{session_id}", daemon.send(daemon.request("/v1/sessions/gone").DELETE().build()));

      // The live stream of an ended session: documented, and every frame's data is an event.
      HttpResponse<java.io.InputStream> sse = daemon.http.send(daemon.request("/v1/sessions/ended/events/sse").GET()
          .build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(doc.at("/paths/~1v1~1sessions~1{session_id}~1events~1sse/get/responses/" + sse.statusCode())
          .path("content").has("text/event-stream")).isTrue();
      try (java.io.BufferedReader reader = new java.io.BufferedReader(
          new java.io.InputStreamReader(sse.body(), java.nio.charset.StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.startsWith("data: ")) {
            JsonNode event = Launcher.JSON.readTree(line.substring(6));
            api.assertValid("UniversalEvent", event);
            if (event.get("type").asText().equals("session.ended")) {
              break;
            }
          }
        }
      }

      Set<String> types = new TreeSet<>();
      for (String session : List.of("oa", "ended")) {
        HttpResponse<String> events = daemon.get("/v1/sessions/" + session + "/events?include_raw=true&limit=1000");
        api.check("get", "/v1/sessions/{session_id}/events", events);
        for (JsonNode event : Launcher.json(events).get("events")) {
          api.assertValid("UniversalEvent", event);
          types.add(event.get("type").asText());
        }
      }
      List<String> declared = new ArrayList<>();
      doc.at("/components/schemas/UniversalEventType/enum").forEach(t -> declared.add(t.asText()));
      assertThat(types).as("recorded events of every type").containsExactlyInAnyOrderElementsOf(declared);

      assertThat(api.checked).as("every documented operation was checked")
          .containsAll(api.operations());
    }
  }

  @Test
  void theEventSchemaFollowsTheEventTypeAndRejectsWhatDoesNotFit() throws Exception {
    try (Launcher daemon = Launcher.start(work, "oa-token")) {
      Document api = new Document(Launcher.json(daemon.get("/v1/openapi.json")));
      ObjectNode started = (ObjectNode) Launcher.JSON.readTree("""
          {"event_id":"evt_1","sequence":1,"time":"2026-01-01T00:00:00Z","session_id":"s","native_session_id":null,
           "synthetic":true,"source":"daemon","type":"item.started","data":{"metadata":null},"raw":null}""");
      assertThat(api.errors("UniversalEvent", started)).as("item data required for item.started").isNotEmpty();
      started.put("type", "session.started");
      assertThat(api.errors("UniversalEvent", started)).isEmpty();
      started.put("type", "no.such.type");
      assertThat(api.errors("UniversalEvent", started)).isNotEmpty();
    }
  }

  /** The served document, its operations and a validator for its schemas. */
  private static final class Document {
    private final JsonNode doc;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    final Set<String> checked = new TreeSet<>();

    Document(JsonNode doc) {
      this.doc = doc;
    }

    Set<String> operations() {
      Set<String> all = new TreeSet<>();
      for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").properties().iterator(); paths.hasNext(); ) {
        Map.Entry<String, JsonNode> path = paths.next();
        path.getValue().fieldNames().forEachRemaining(method -> all.add(method + " " + path.getKey()));
      }
      return all;
    }

    /** The answer's status is documented for this operation, and its JSON body fits the schema. */
    void check(String method, String template, HttpResponse<String> response) throws Exception {
      String actualPath = response.uri().getRawPath();
      assertThat(Pattern.matches(template.replaceAll("\\{[^}]+}", "[^/]+"), actualPath))
          .as("%s matches %s", actualPath, template).isTrue();
      JsonNode operation = doc.path("paths").path(template).path(method);
      assertThat(operation.isMissingNode()).as("%s %s is documented", method, template).isFalse();
      String status = String.valueOf(response.statusCode());
      JsonNode answer = operation.path("responses").path(status);
      assertThat(answer.isMissingNode()).as("status %s of %s %s is documented (body %s)", status, method, template,
          response.body()).isFalse();
      if (answer.has("$ref")) {
        answer = doc.at(answer.get("$ref").asText().substring(1));
      }
      JsonNode schema = answer.path("content").path("application/json").path("schema");
      String type = response.headers().firstValue("content-type").orElse("");
      if (!schema.isMissingNode() && type.startsWith("application/json")) {
        List<String> errors = errors(schema, Launcher.JSON.readTree(response.body()));
        assertThat(errors).as("%s %s -> %s %s", method, actualPath, status, response.body()).isEmpty();
      } else if (response.statusCode() == 204) {
        assertThat(response.body()).isEmpty();
      }
      checked.add(method + " " + template);
    }

    void assertValid(String component, JsonNode value) {
      assertThat(errors(component, value)).as("%s: %s", component, value).isEmpty();
    }

    List<String> errors(String component, JsonNode value) {
      return errors(Launcher.JSON.createObjectNode().put("$ref", "#/components/schemas/" + component), value);
    }

    private List<String> errors(JsonNode schema, JsonNode value) {
      JsonSchema compiled = schemas.computeIfAbsent(schema.toString(), key -> {
        ObjectNode root = Launcher.JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.setAll((ObjectNode) schema.deepCopy());
        root.set("components", doc.get("components"));
        return factory.getSchema(root);
      });
      Set<ValidationMessage> messages = compiled.validate(value);
      return messages.stream().map(ValidationMessage::toString).toList();
    }
  }
}
