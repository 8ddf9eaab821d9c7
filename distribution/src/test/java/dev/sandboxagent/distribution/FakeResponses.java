package dev.sandboxagent.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted OpenAI Responses API on loopback ({@code POST /v1/responses}, streamed), so that the
 * real Codex runs offline. Replies depend on the last input item: a function call output →
 * {@code Done. The command's output was: <output>}; a prompt of {@link ScriptedPrompts} (echo, touch,
 * sleep) → a text and an {@code exec_command} call (made with {@link #escalatingWrites()}, the
 * {@code touch} one asks to run outside the sandbox, {@code sandbox_permissions: require_escalated},
 * which Codex puts to the user when it asks only on request); anything else → a greeting.
 */
final class FakeResponses extends FakeModelServer {

  static final String HELLO = "Hello! This is a scripted reply from the fake model.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicInteger ids = new AtomicInteger();

  private final boolean escalateWrites;

  FakeResponses() throws IOException {
    this(false);
  }

  /** A server whose {@code touch} calls ask to run outside the sandbox. */
  static FakeResponses escalatingWrites() throws IOException {
    return new FakeResponses(true);
  }

  private FakeResponses(boolean escalateWrites) throws IOException {
    this.escalateWrites = escalateWrites;
  }

  String baseUrl() {
    return origin() + "/v1";
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.endsWith("/responses") || !exchange.getRequestMethod().equals("POST")) {
        byte[] body = (path.endsWith("/models") ? "{\"object\":\"list\",\"data\":[]}" : "{\"error\":{\"message\":\"not found\"}}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(path.endsWith("/models") ? 200 : 404, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      List<ObjectNode> items = reply(request.path("input"));
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        String responseId = "resp_" + ids.incrementAndGet();
        ObjectNode response = JSON.createObjectNode().put("id", responseId).put("object", "response")
            .put("status", "in_progress").put("model", request.path("model").asText("fake-model"));
        response.putArray("output");
        event(out, "response.created", JSON.createObjectNode().put("type", "response.created").set("response", response));
        for (int i = 0; i < items.size(); i++) {
          ObjectNode item = items.get(i);
          ObjectNode added = JSON.createObjectNode().put("type", "response.output_item.added").put("output_index", i);
          ObjectNode start = item.deepCopy();
          if (item.path("type").asText().equals("message")) {
            start.putArray("content");
            start.put("status", "in_progress");
          }
          added.set("item", start);
          event(out, "response.output_item.added", added);
          if (item.path("type").asText().equals("message")) {
            String text = item.path("content").get(0).path("text").asText();
            event(out, "response.output_text.delta", JSON.createObjectNode().put("type", "response.output_text.delta")
                .put("item_id", item.path("id").asText()).put("output_index", i).put("content_index", 0).put("delta", text));
          }
          ObjectNode done = JSON.createObjectNode().put("type", "response.output_item.done").put("output_index", i);
          done.set("item", item);
          event(out, "response.output_item.done", done);
        }
        ObjectNode completed = response.deepCopy().put("status", "completed");
        completed.putObject("usage").put("input_tokens", 10).put("output_tokens", 5).put("total_tokens", 15)
            .putNull("input_tokens_details");
        event(out, "response.completed", JSON.createObjectNode().put("type", "response.completed").set("response", completed));
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private List<ObjectNode> reply(JsonNode input) {
    JsonNode last = input.isArray() && !input.isEmpty() ? input.get(input.size() - 1) : JSON.createObjectNode();
    List<ObjectNode> items = new ArrayList<>();
    if (last.path("type").asText().equals("function_call_output")) {
      String output = last.path("output").isTextual() ? last.get("output").asText() : last.path("output").toString();
      toolResults.add(output);
      String flat = output.replace('\n', ' ');
      if (flat.length() > 200) {
        flat = flat.substring(0, 200) + "...";
      }
      items.add(message("Done. The command's output was: " + flat));
      return items;
    }
    String command = ScriptedPrompts.command(last.toString());
    if (command == null) {
      items.add(message(HELLO));
    } else {
      items.add(message("I'll run that command."));
      items.add(call(command));
    }
    return items;
  }

  private ObjectNode message(String text) {
    ObjectNode item = JSON.createObjectNode().put("type", "message").put("id", "msg_fake_" + ids.incrementAndGet())
        .put("role", "assistant").put("status", "completed");
    item.putArray("content").addObject().put("type", "output_text").put("text", text).putArray("annotations");
    return item;
  }

  private ObjectNode call(String command) {
    int n = ids.incrementAndGet();
    ObjectNode arguments = JSON.createObjectNode().put("cmd", command);
    if (escalateWrites && command.startsWith("touch ")) {
      arguments.put("sandbox_permissions", "require_escalated").put("justification", "Create the file the user asked for");
    }
    return JSON.createObjectNode().put("type", "function_call").put("id", "fc_fake_" + n).put("call_id", "call_fake_" + n)
        .put("name", "exec_command").put("arguments", arguments.toString())
        .put("status", "completed");
  }

  private static void event(OutputStream out, String name, JsonNode data) throws IOException {
    out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

}
