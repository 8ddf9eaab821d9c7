package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document and the routes agree (the answers themselves are checked by OpenApiIT). */
class OpenApiDocumentTest {

  @Test
  void everyDocumentedPathIsARouteAndTheDocumentIsOpenApi31() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(OpenApiDocument.bytes());
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    List<String> paths = new ArrayList<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths).contains("/v1/openapi.json", "/v1/plugins", "/v1/plugins/rescan", "/metrics", "/v1/health/live",
        "/v1/health/ready");
    for (String path : paths) {
      assertThat(ApiRouting.isApiRoute(path.replaceAll("\\{[^}]+}", "x"))).as(path).isTrue();
    }
  }

  @Test
  void eventDataIsChosenByTheEventTypeNotGuessed() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(OpenApiDocument.bytes());
    JsonNode event = doc.at("/components/schemas/UniversalEvent");
    assertThat(event.get("discriminator").get("propertyName").asText()).isEqualTo("type");
    List<String> types = new ArrayList<>();
    doc.at("/components/schemas/UniversalEventType/enum").forEach(t -> types.add(t.asText()));
    assertThat(event.get("discriminator").get("mapping").size()).isEqualTo(types.size());
    for (String type : types) {
      JsonNode variant = doc.at(event.get("discriminator").get("mapping").get(type).asText().substring(1));
      assertThat(variant.at("/properties/type/const").asText()).isEqualTo(type);
    }
  }
}
