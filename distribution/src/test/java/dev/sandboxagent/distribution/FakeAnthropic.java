package dev.sandboxagent.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted Anthropic Messages API on loopback, streaming like the real one, so that the real
 * Claude Code program runs offline. Replies depend only on the last user message:
 *
 * <ul>
 *   <li>a tool result → {@code Done. The command's output was: <result>};
 *   <li>{@code Run the shell command echo hi…} → a text block and a {@code Bash echo hi} call;
 *   <li>{@code Create the empty file created-by-agent.txt with touch.} → the same with {@code touch};
 *   <li>{@code Run the shell command sleep 271…} → the same with {@code sleep 271}, which runs until stopped;
 *   <li>{@link ScriptedPrompts#TWO_QUESTIONS} → an {@code AskUserQuestion} call of two questions, a
 *       single choice of color and a multiple choice of sizes;
 *   <li>anything else (and any request without tools) → {@code Hello! This is a scripted reply…}.
 * </ul>
 */
final class FakeAnthropic extends FakeModelServer {

  static final String HELLO = "Hello! This is a scripted reply from the fake model.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicInteger ids = new AtomicInteger();

  FakeAnthropic() throws IOException {
  }

  String baseUrl() {
    return origin();
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/v1/messages") || !exchange.getRequestMethod().equals("POST")) {
        if (path.equals("/v1/messages/count_tokens")) {
          send(exchange, 200, "application/json", "{\"input_tokens\":42}");
        } else {
          send(exchange, 404, "application/json",
              "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"not found\"}}");
        }
        return;
      }
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      List<ObjectNode> blocks = reply(request);
      String id = "msg_fake_" + ids.incrementAndGet();
      String model = request.path("model").asText("claude-fake");
      boolean toolUse = blocks.stream().anyMatch(b -> b.path("type").asText().equals("tool_use"));
      if (request.path("stream").asBoolean(false)) {
        stream(exchange, id, model, blocks, toolUse);
      } else {
        ObjectNode message = message(id, model);
        message.putArray("content").addAll(blocks);
        message.put("stop_reason", toolUse ? "tool_use" : "end_turn");
        send(exchange, 200, "application/json", JSON.writeValueAsString(message));
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private List<ObjectNode> reply(JsonNode request) {
    JsonNode messages = request.path("messages");
    JsonNode last = null;
    for (int i = messages.size() - 1; i >= 0 && last == null; i--) {
      // the last user message: newer clients also put system messages in the list
      if (messages.get(i).path("role").asText().equals("user")) {
        last = messages.get(i);
      }
    }
    boolean tools = request.path("tools").isArray() && !request.path("tools").isEmpty();
    if (last == null || !tools) {
      return List.of(text(HELLO));
    }
    StringBuilder texts = new StringBuilder();
    String toolResult = null;
    JsonNode content = last.path("content");
    if (content.isTextual()) {
      texts.append(content.asText());
    }
    for (JsonNode block : content) {
      if (block.path("type").asText().equals("tool_result")) {
        toolResult = resultText(block.path("content"));
      } else if (block.path("type").asText().equals("text")) {
        texts.append(block.path("text").asText()).append('\n');
      }
    }
    if (toolResult != null) {
      toolResults.add(toolResult);
      String flat = toolResult.replace('\n', ' ');
      if (flat.length() > 200) {
        flat = flat.substring(0, 200) + "...";
      }
      return List.of(text("Done. The command's output was: " + flat));
    }
    if (texts.toString().contains(ScriptedPrompts.TWO_QUESTIONS)) {
      return List.of(text("I have two questions."), askTwoQuestions());
    }
    String command = ScriptedPrompts.command(texts.toString());
    return command == null ? List.of(text(HELLO)) : List.of(text("I'll run that command."), bash(command));
  }

  private static String resultText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode part : content) {
      out.append(part.path("text").asText());
    }
    return out.toString();
  }

  private static ObjectNode text(String text) {
    ObjectNode block = JSON.createObjectNode();
    block.put("type", "text");
    block.put("text", text);
    return block;
  }

  private ObjectNode bash(String command) {
    ObjectNode block = JSON.createObjectNode();
    block.put("type", "tool_use");
    block.put("id", "toolu_fake_" + ids.incrementAndGet());
    block.put("name", "Bash");
    block.putObject("input").put("command", command).put("description", "Run the requested command");
    return block;
  }

  private ObjectNode askTwoQuestions() {
    ObjectNode block = JSON.createObjectNode();
    block.put("type", "tool_use");
    block.put("id", "toolu_fake_" + ids.incrementAndGet());
    block.put("name", "AskUserQuestion");
    var questions = block.putObject("input").putArray("questions");
    ObjectNode color = questions.addObject().put("question", "Which color do you want?").put("header", "Color")
        .put("multiSelect", false);
    color.putArray("options").add(option("Red", "A warm color")).add(option("Blue", "A cool color"));
    ObjectNode sizes = questions.addObject().put("question", "Which sizes do you want?").put("header", "Sizes")
        .put("multiSelect", true);
    sizes.putArray("options").add(option("Small", "The small size")).add(option("Medium", "The medium size"))
        .add(option("Large", "The large size"));
    return block;
  }

  private static ObjectNode option(String label, String description) {
    return JSON.createObjectNode().put("label", label).put("description", description);
  }

  private static ObjectNode message(String id, String model) {
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", model);
    message.putNull("stop_sequence");
    message.putObject("usage").put("input_tokens", 10).put("output_tokens", 5);
    return message;
  }

  private void stream(HttpExchange exchange, String id, String model, List<ObjectNode> blocks, boolean toolUse)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      ObjectNode start = JSON.createObjectNode();
      start.put("type", "message_start");
      ObjectNode message = message(id, model);
      message.putArray("content");
      message.putNull("stop_reason");
      start.set("message", message);
      event(out, "message_start", start);
      for (int i = 0; i < blocks.size(); i++) {
        ObjectNode block = blocks.get(i);
        boolean isText = block.path("type").asText().equals("text");
        ObjectNode empty = block.deepCopy();
        if (isText) {
          empty.put("text", "");
        } else {
          empty.putObject("input");
        }
        ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", i);
        blockStart.set("content_block", empty);
        event(out, "content_block_start", blockStart);
        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", i);
        if (isText) {
          delta.putObject("delta").put("type", "text_delta").put("text", block.path("text").asText());
        } else {
          delta.putObject("delta").put("type", "input_json_delta")
              .put("partial_json", JSON.writeValueAsString(block.path("input")));
        }
        event(out, "content_block_delta", delta);
        event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", i));
      }
      ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
      messageDelta.putObject("delta").put("stop_reason", toolUse ? "tool_use" : "end_turn").putNull("stop_sequence");
      messageDelta.putObject("usage").put("output_tokens", 5);
      event(out, "message_delta", messageDelta);
      event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
    }
  }

  private static void event(OutputStream out, String name, ObjectNode data) throws IOException {
    out.write(("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }


}
