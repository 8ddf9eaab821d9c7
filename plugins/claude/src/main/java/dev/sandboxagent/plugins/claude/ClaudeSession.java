package dev.sandboxagent.plugins.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandboxagent.api.AgentEvent;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Attachment;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.PendingPermission;
import dev.sandboxagent.api.PendingQuestion;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.PermissionReply;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.api.event.ContentPart;
import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.ItemKind;
import dev.sandboxagent.api.event.ItemRole;
import dev.sandboxagent.api.event.ItemStatus;
import dev.sandboxagent.api.event.UniversalItem;
import dev.sandboxagent.api.support.ForwardingTranslator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One Claude Code session: a long-lived {@code claude -p} process in stream-json mode with the stdio
 * permission-prompt tool, driven by the host ({@link SessionContext#startAgentProcess}). Each
 * message is one user line on stdin; the process is kept for later turns, and when it has died
 * (crash, or stopped by the host for its silence) the next message starts it again with {@code
 * --resume <session id>} so the conversation continues. Permission requests and questions arrive as
 * {@code control_request} lines and are answered with {@code control_response} lines.
 */
final class ClaudeSession implements AgentSession {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SessionContext context;
  private final Function<String, EventTranslator> translators;
  private final Object lock = new Object();
  /** Native ids of the user messages the daemon records: unique in the session's life. */
  private final String userIds;
  private int userMessages;
  private AgentProcess process;
  private final Map<String, JsonNode> pendingRequests = new LinkedHashMap<>();
  private int initCounter;
  private volatile boolean closed;

  /**
   * @param translators makes the translator of each process from an id prefix unique within the
   *     session
   */
  ClaudeSession(SessionContext context, Function<String, EventTranslator> translators) {
    this.context = context;
    this.translators = translators;
    this.userIds = "user_" + Long.toString(context.clock().millis(), 36) + "_";
  }

  @Override
  public String nativeSessionId() {
    return null; // learned from the first system/init line
  }

  @Override
  public void send(String message) {
    send(message, List.of());
  }

  /**
   * As {@link #send(String)}, with images as image content blocks and files as document blocks
   * (text, or a PDF); other files are refused.
   */
  @Override
  public void send(String message, List<Attachment> attachments) {
    String line = userLine(message, attachments);
    synchronized (lock) {
      ensureProcess();
      process.writeLine(line);
      // Claude does not echo the user's message: the daemon records it, as clients expect.
      List<ContentPart> parts = new ArrayList<>();
      parts.add(new ContentPart.Text(message));
      attachments.forEach(a -> parts.add(a.contentPart()));
      UniversalItem item = UniversalItem.of(userIds + (++userMessages), ItemKind.MESSAGE, ItemRole.USER,
          List.copyOf(parts), ItemStatus.IN_PROGRESS);
      context.events().emit(List.of(
          AgentEvent.synthetic(new EventData.ItemStarted(item)),
          AgentEvent.synthetic(new EventData.ItemCompleted(item.withStatus(ItemStatus.COMPLETED)))));
    }
  }

  /** The host stopped the process for its silence: the next message starts a new one. */
  @Override
  public void interruptTurn() {
    synchronized (lock) {
      process = null;
      pendingRequests.clear();
    }
  }

  /** The command line for this session's settings. */
  List<String> command(Path binary, String resume) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "-p",
        "--input-format", "stream-json", "--output-format", "stream-json", "--verbose",
        "--permission-prompt-tool", "stdio", "--include-partial-messages"));
    String mode = permissionMode(context.permissionMode(), context.agentMode());
    if (mode != null) {
      command.add("--permission-mode");
      command.add(mode);
    }
    if (context.model() != null && !context.model().isBlank()) {
      command.add("--model");
      command.add(context.model());
    }
    if (resume != null) {
      command.add("--resume");
      command.add(resume);
    }
    return command;
  }

  /** Claude's {@code --permission-mode} for the session's permission and agent modes. */
  static String permissionMode(PermissionMode permissionMode, String agentMode) {
    if (permissionMode == PermissionMode.BYPASS) {
      return "bypassPermissions";
    }
    if (permissionMode == PermissionMode.PLAN || "plan".equals(agentMode)) {
      return "plan";
    }
    return "default";
  }

  /** The environment added to the daemon's: quiet, no updates, bypass allowed when running as root. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
    env.put("DISABLE_AUTOUPDATER", "1");
    env.put("DISABLE_TELEMETRY", "1");
    env.put("DISABLE_ERROR_REPORTING", "1");
    if (context.permissionMode() == PermissionMode.BYPASS && "root".equals(System.getProperty("user.name"))) {
      // Claude refuses to skip permission checks as root unless told it runs in a sandbox.
      env.put("IS_SANDBOX", "1");
    }
    return env;
  }

  private void ensureProcess() {
    if (closed) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "the session is closed");
    }
    if (process != null && process.isAlive()) {
      return;
    }
    Path binary = context.binary();
    if (binary == null) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED, "claude is not installed");
    }
    EventTranslator translator = translators.apply(initCounter == 0 ? "" : "p" + (initCounter + 1) + "_");
    pendingRequests.clear();
    process = context.startAgentProcess(new ProcessSpec(command(binary, context.nativeSessionId()), environment(), null),
        new ForwardingTranslator(translator) {
          @Override
          public List<AgentEvent> translate(String line) {
            rememberRequest(line);
            return super.translate(line);
          }
        });
    process.writeLine(initializeLine("init_" + (++initCounter)));
  }

  /** Keeps each {@code can_use_tool} request's input: an "allow" must send it back. */
  private void rememberRequest(String line) {
    if (!line.contains("\"control_request\"")) {
      return;
    }
    try {
      JsonNode node = JSON.readTree(line);
      if (node.path("type").asText().equals("control_request") && node.path("request_id").isTextual()) {
        String id = node.get("request_id").asText();
        synchronized (lock) {
          if (node.path("request").path("subtype").asText().equals("can_use_tool")) {
            pendingRequests.put(id, node.path("request"));
          } else if (process != null && process.isAlive()) {
            // Claude waits for an answer to every control request: one nobody handles is refused
            ObjectNode refusal = JSON.createObjectNode().put("type", "control_response");
            refusal.putObject("response").put("subtype", "error").put("request_id", id)
                .put("error", "unsupported control request: " + node.path("request").path("subtype").asText());
            process.writeLine(refusal.toString());
          }
        }
      }
    } catch (IOException e) {
      // not JSON: the translator reports it
    }
  }

  @Override
  public void replyPermission(PendingPermission permission, PermissionReply reply) {
    synchronized (lock) {
      JsonNode request = request(permission.permissionId());
      ObjectNode response = JSON.createObjectNode();
      if (reply == PermissionReply.REJECT) {
        response.put("behavior", "deny");
        response.put("message", "The user denied this action.");
      } else {
        response.put("behavior", "allow");
        response.set("updatedInput", request.path("input").isObject() ? request.get("input") : JSON.createObjectNode());
        if (reply == PermissionReply.ALWAYS && request.path("permission_suggestions").isArray()) {
          ArrayNode updates = response.putArray("updatedPermissions");
          for (JsonNode suggestion : request.get("permission_suggestions")) {
            // "always" lasts for this session, not in the user's settings files, and allows this kind
            // of request: a suggestion to switch the whole session's mode is not taken
            if (suggestion.isObject() && !"setMode".equals(suggestion.path("type").asText())) {
              updates.add(((ObjectNode) suggestion.deepCopy()).put("destination", "session"));
            }
          }
        }
      }
      answer(permission.permissionId(), response);
    }
  }

  @Override
  public void replyQuestion(PendingQuestion question, List<List<String>> answers) {
    synchronized (lock) {
      JsonNode request = request(question.questionId());
      ObjectNode input = request.path("input").isObject() ? request.get("input").deepCopy() : JSON.createObjectNode();
      ObjectNode answerMap = input.putObject("answers");
      JsonNode questions = input.path("questions");
      for (int i = 0; i < answers.size(); i++) {
        String key = questions.path(i).path("question").asText(i == 0 ? question.prompt() : "question " + (i + 1));
        answerMap.put(key, String.join(", ", answers.get(i)));
      }
      ObjectNode response = JSON.createObjectNode();
      response.put("behavior", "allow");
      response.set("updatedInput", input);
      answer(question.questionId(), response);
    }
  }

  @Override
  public void rejectQuestion(PendingQuestion question) {
    synchronized (lock) {
      request(question.questionId());
      ObjectNode response = JSON.createObjectNode();
      response.put("behavior", "deny");
      response.put("message", "The user declined to answer.");
      answer(question.questionId(), response);
    }
  }

  private JsonNode request(String requestId) {
    JsonNode request = pendingRequests.get(requestId);
    if (request == null || process == null || !process.isAlive()) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED,
          "Claude Code is no longer waiting for request " + requestId);
    }
    return request;
  }

  private void answer(String requestId, ObjectNode response) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "control_response");
    ObjectNode body = line.putObject("response");
    body.put("subtype", "success");
    body.put("request_id", requestId);
    body.set("response", response);
    process.writeLine(line.toString());
    pendingRequests.remove(requestId);
  }

  static String initializeLine(String requestId) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "control_request");
    line.put("request_id", requestId);
    line.putObject("request").put("subtype", "initialize").putNull("hooks");
    return line.toString();
  }

  static String userLine(String message) {
    return userLine(message, List.of());
  }

  /**
   * The stream-json user line: the attachments' content blocks, then the text.
   *
   * @throws AgentException when a file is neither text nor a PDF
   */
  static String userLine(String message, List<Attachment> attachments) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", "user");
    line.put("session_id", "");
    line.putNull("parent_tool_use_id");
    ObjectNode msg = line.putObject("message");
    msg.put("role", "user");
    ArrayNode content = msg.putArray("content");
    for (Attachment attachment : attachments) {
      content.add(block(attachment));
    }
    content.addObject().put("type", "text").put("text", message);
    return line.toString();
  }

  /** The Messages API content block of one attachment. */
  private static ObjectNode block(Attachment attachment) {
    ObjectNode block = JSON.createObjectNode();
    if (attachment.kind() == Attachment.Kind.IMAGE) {
      block.put("type", "image").putObject("source").put("type", "base64")
          .put("media_type", attachment.mimeType()).put("data", attachment.base64());
      return block;
    }
    block.put("type", "document");
    if (attachment.mimeType().equals("application/pdf")) {
      block.putObject("source").put("type", "base64").put("media_type", "application/pdf")
          .put("data", attachment.base64());
    } else {
      String text = attachment.text()
          .orElseThrow(() -> attachment.unsupported("claude", "a file must be text or a PDF"));
      block.putObject("source").put("type", "text").put("media_type", "text/plain").put("data", text);
    }
    block.put("title", attachment.name());
    return block;
  }

  @Override
  public void close() {
    closed = true;
    AgentProcess p;
    synchronized (lock) {
      p = process;
    }
    if (p != null) {
      p.stop();
    }
  }
}
