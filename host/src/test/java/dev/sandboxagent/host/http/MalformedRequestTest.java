package dev.sandboxagent.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandboxagent.host.http.RawHttp.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests no client library would send, written byte for byte: every one is answered with a 4xx
 * problem body, whether the HTTP parser or a handler rejects it.
 */
@Timeout(60)
class MalformedRequestTest {

  @TempDir Path tmp;
  TestServer server;
  int port;

  @BeforeEach
  void start() {
    server = TestServer.start(tmp, null, CorsConfig.disabled(), 4096, Duration.ofSeconds(15),
        List.of(new ScriptAdapter()));
    port = server.daemon.port();
    server.createSession("s");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static JsonNode assertProblem(Response r, int status, String type) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().get("content-type")).as(r.body()).isEqualTo("application/json");
    JsonNode body = r.json();
    assertThat(body.get("type").asText()).isEqualTo("urn:sandbox-agent:error:" + type);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("title").asText()).isNotBlank();
    assertThat(body.get("detail").asText()).isNotBlank();
    return body;
  }

  private Response post(String path, String body) {
    return RawHttp.exchange(port, RawHttp.post(path, body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aBodyThatIsNotValidUtf32IsABadRequest() {
    // Three NUL bytes before '{' make the JSON parser read UTF-32, where 0x7FFFFFFF is no character.
    byte[] body = {0, 0, 0, '{', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    JsonNode problem = assertProblem(
        RawHttp.exchange(port, RawHttp.post("/v1/sessions/s/messages", body)), 400, "invalid_request");
    assertThat(problem.get("detail").asText()).startsWith("invalid request: the body is not valid JSON");
  }

  @Test
  void aChunkSizeThatIsNotHexIsABadRequest() {
    Response r = RawHttp.exchange(port, "POST /v1/sessions/s/messages HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
    assertThat(assertProblem(r, 400, "invalid_request").get("detail").asText())
        .isEqualTo("invalid request: the body's chunked encoding is malformed");
    assertThat(r.headers().get("connection")).isEqualTo("close");
  }

  @Test
  void aBrokenChunkIsAnsweredEvenIfTheClientSendsNothingMore() {
    try (RawHttp raw = RawHttp.connect(port)) {
      raw.send("POST /v1/sessions/s/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n");
      Response r = raw.response();
      assertProblem(r, 400, "invalid_request");
      assertThat(r.headers().get("connection")).isEqualTo("close");
    }
  }

  @Test
  void aRequestLineWithoutAMethodIsABadRequest() {
    assertProblem(RawHttp.exchange(port, "/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400, "invalid_request");
    assertProblem(RawHttp.exchange(port, "GET /v1/health\r\nHost: localhost\r\n\r\n"), 400, "invalid_request");
    assertProblem(RawHttp.exchange(port, "GET /v1/health HTTP/1.1\r\nno colon here\r\n\r\n"), 400,
        "invalid_request");
  }

  @Test
  void undecodableQueryValuesAreBadRequestsWithAProblemBody() {
    for (String query : List.of("offset=%ZZ", "x=%ZZ", "offset=%")) {
      Response r = RawHttp.exchange(port, "GET /v1/sessions/s/events?" + query + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n\r\n");
      assertProblem(r, 400, "invalid_request");
    }
  }

  @Test
  void bodyRejectionsAreProblemsWithTheirOwnStatus() {
    assertThat(assertProblem(post("/v1/sessions/s/messages", "{\"message\":"), 400, "invalid_request")
        .get("detail").asText()).startsWith("invalid request: the body is not valid JSON");
    assertThat(assertProblem(post("/v1/sessions/s/messages", ""), 400, "invalid_request")
        .get("detail").asText()).isEqualTo("invalid request: the body is empty");
    assertThat(assertProblem(post("/v1/sessions/s/messages", "[1]"), 422, "invalid_body")
        .get("detail").asText()).isEqualTo("invalid body: expected a JSON object");
    assertThat(assertProblem(post("/v1/sessions/s/messages", "{}"), 422, "invalid_body")
        .get("detail").asText()).isEqualTo("invalid body: missing field `message`");
    assertThat(assertProblem(post("/v1/sessions/s/messages", "{\"message\":1}"), 422, "invalid_body")
        .get("detail").asText()).isEqualTo("invalid body: message: expected a string");

    Response textType = RawHttp.exchange(port, "POST /v1/sessions/s/messages HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertThat(assertProblem(textType, 415, "unsupported_media_type").get("detail").asText())
        .isEqualTo("unsupported media type: expected Content-Type: application/json");

    String big = "{\"message\":\"" + "x".repeat(5000) + "\"}";
    assertThat(assertProblem(post("/v1/sessions/s/messages", big), 413, "payload_too_large")
        .get("detail").asText()).isEqualTo("payload too large: the limit is 4096 bytes");
    Response chunkedBig = RawHttp.exchange(port, "POST /v1/sessions/s/messages HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n");
    assertProblem(chunkedBig, 413, "payload_too_large");
    assertThat(server.get("/v1/health").statusCode()).isEqualTo(200);
  }
}
