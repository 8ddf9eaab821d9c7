package dev.sandboxagent.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A scripted Gemini API on loopback ({@code POST /v1beta/models/<model>:streamGenerateContent?alt=sse}
 * and {@code :generateContent}), so that the real Gemini CLI runs offline with {@code
 * GOOGLE_GEMINI_BASE_URL} pointing here. Replies depend on the last user content: a function response
 * → {@code Done. The command's output was: <output>}; a prompt of {@link ScriptedPrompts} → a text and
 * a {@code run_shell_command} call; anything else → a greeting. A request without tools (the CLI's
 * own model routing and checks) gets a JSON text that routes to the fast model and hands the turn to
 * the user.
 */
final class FakeGemini extends FakeModelServer {

  static final String HELLO = "Hello! This is a scripted reply from the fake model.";
  private static final ObjectMapper JSON = new ObjectMapper();


  FakeGemini() throws IOException {
  }

  /** The value of {@code GOOGLE_GEMINI_BASE_URL}. */
  String baseUrl() {
    return origin();
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("POST")) {
        send(exchange, 404, "application/json", "{\"error\":{\"code\":404,\"message\":\"not found\"}}");
        return;
      }
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      if (path.endsWith(":countTokens")) {
        send(exchange, 200, "application/json", "{\"totalTokens\":10}");
        return;
      }
      boolean tools = request.path("tools").isArray() && !request.path("tools").isEmpty();
      List<ObjectNode> parts = tools ? reply(request.path("contents"))
          : List.of(text("{\"reasoning\":\"a simple request\",\"model_choice\":\"flash\",\"next_speaker\":\"user\"}"));
      ObjectNode response = JSON.createObjectNode();
      ObjectNode candidate = response.putArray("candidates").addObject().put("index", 0).put("finishReason", "STOP");
      ObjectNode content = candidate.putObject("content").put("role", "model");
      ArrayNode out = content.putArray("parts");
      parts.forEach(out::add);
      response.putObject("usageMetadata").put("promptTokenCount", 10).put("candidatesTokenCount", 5)
          .put("totalTokenCount", 15);
      if (path.endsWith(":streamGenerateContent")) {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
          body.write(("data: " + response + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        }
      } else {
        send(exchange, 200, "application/json", response.toString());
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private List<ObjectNode> reply(JsonNode contents) {
    JsonNode last = null;
    for (JsonNode c : contents) {
      if (c.path("role").asText("user").equals("user")) {
        last = c;
      }
    }
    if (last == null) {
      return List.of(text(HELLO));
    }
    StringBuilder texts = new StringBuilder();
    for (JsonNode part : last.path("parts")) {
      if (part.has("functionResponse")) {
        String output = part.path("functionResponse").path("response").toString();
        toolResults.add(output);
        JsonNode value = part.path("functionResponse").path("response").path("output");
        String flat = (value.isTextual() ? value.asText() : output).replace('\n', ' ');
        if (flat.length() > 200) {
          flat = flat.substring(0, 200) + "...";
        }
        return List.of(text("Done. The command's output was: " + flat));
      }
      texts.append(part.path("text").asText("")).append('\n');
    }
    String command = ScriptedPrompts.command(texts.toString());
    if (command == null) {
      return List.of(text(HELLO));
    }
    ObjectNode call = JSON.createObjectNode();
    call.putObject("functionCall").put("name", "run_shell_command").putObject("args").put("command", command)
        .put("description", "Run the requested command");
    return List.of(text("I'll run that command."), call);
  }

  private static ObjectNode text(String text) {
    return JSON.createObjectNode().put("text", text);
  }


}
