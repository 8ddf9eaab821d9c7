package dev.sandboxagent.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted OpenAI Chat Completions API on loopback ({@code POST /v1/chat/completions}, streamed),
 * so that the real OpenCode runs offline. Replies depend on the last message: a tool result →
 * {@code Done. The command's output was: <output>}; a prompt of {@link ScriptedPrompts} (echo, touch,
 * sleep) → a text and a call of the agent's shell tool: Qwen Code's {@code run_shell_command} when the
 * request offers it, else OpenCode's {@code bash}; anything else (and requests without tools, such as
 * title generation) → a greeting.
 */
final class FakeChatCompletions extends FakeModelServer {

  static final String HELLO = "Hello! This is a scripted reply from the fake model.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicInteger ids = new AtomicInteger();

  FakeChatCompletions() throws IOException {
  }

  String baseUrl() {
    return origin() + "/v1";
  }

  /**
   * {@code OPENCODE_CONFIG_CONTENT} with this server as the {@code fake} provider; {@code touch}
   * commands need approval, other shell commands run.
   */
  String openCodeConfig() {
    return """
        {"$schema": "https://opencode.ai/config.json", "model": "fake/fake-model", "small_model": "fake/fake-model",
         "autoupdate": false, "share": "disabled", "permission": {"bash": {"*": "allow", "touch *": "ask"}},
         "provider": {"fake": {"npm": "@ai-sdk/openai-compatible", "name": "Fake LLM",
           "options": {"baseURL": "%s", "apiKey": "sk-fake-key"},
           "models": {"fake-model": {"name": "Fake Model", "tool_call": true, "attachment": true,
             "modalities": {"input": ["text", "image", "pdf"], "output": ["text"]},
             "limit": {"context": 200000, "output": 8192}}}}}}
        """.formatted(baseUrl());
  }

  @Override
  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.endsWith("/chat/completions")) {
        byte[] body = "{\"error\":{\"message\":\"not found\"}}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        reply(request, out);
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private void reply(JsonNode request, OutputStream out) throws IOException {
    String id = "chatcmpl-fake-" + ids.incrementAndGet();
    JsonNode messages = request.path("messages");
    JsonNode last = messages.isArray() && !messages.isEmpty() ? messages.get(messages.size() - 1) : JSON.createObjectNode();
    boolean tools = request.path("tools").isArray() && !request.path("tools").isEmpty();
    if (tools && last.path("role").asText().equals("tool")) {
      toolResults.add(text(last.path("content")));
      String output = text(last.path("content")).replace('\n', ' ');
      if (output.length() > 200) {
        output = output.substring(0, 200) + "...";
      }
      chunk(out, id, JSON.createObjectNode().put("role", "assistant").put("content", "Done. The command's output was: " + output), null);
      chunk(out, id, JSON.createObjectNode(), "stop");
      return;
    }
    String prompt = tools ? text(last.path("content")) : "";
    String command = ScriptedPrompts.command(prompt);
    if (command == null) {
      chunk(out, id, JSON.createObjectNode().put("role", "assistant").put("content", HELLO), null);
      chunk(out, id, JSON.createObjectNode(), "stop");
      return;
    }
    chunk(out, id, JSON.createObjectNode().put("role", "assistant").put("content", "I'll run that command."), null);
    ObjectNode delta = JSON.createObjectNode();
    ObjectNode call = delta.putArray("tool_calls").addObject().put("index", 0).put("id", "call_fake_" + ids.incrementAndGet())
        .put("type", "function");
    ObjectNode arguments = JSON.createObjectNode().put("command", command).put("description", "Run the requested command");
    String tool = "bash";
    if (offers(request, "run_shell_command")) {
      tool = "run_shell_command";
      arguments.put("is_background", false);
    }
    call.putObject("function").put("name", tool).put("arguments", arguments.toString());
    chunk(out, id, delta, null);
    chunk(out, id, JSON.createObjectNode(), "tool_calls");
  }

  private static boolean offers(JsonNode request, String tool) {
    for (JsonNode t : request.path("tools")) {
      if (t.path("function").path("name").asText().equals(tool)) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder out = new StringBuilder();
    for (JsonNode part : content) {
      out.append(part.path("text").asText(""));
    }
    return out.toString();
  }

  private static void chunk(OutputStream out, String id, ObjectNode delta, String finish) throws IOException {
    ObjectNode chunk = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk").put("created", 0)
        .put("model", "fake-model");
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
      chunk.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
    }
    out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

}
