package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Claude Code plugin in the shipped daemon, driving a stand-in program that replays output the
 * real program recorded: one long-lived process per session, permission requests answered through
 * the API, a crash reported and followed by a resumed process.
 */
@Timeout(180)
class ClaudeFlowIT {

  private static final String NATIVE_ID = "d233dbe6-9dfd-48d7-a6b7-04a2d1a195c3";
  private static final String PERMISSION_TURN_ID = "92136cdc-0eef-4dd7-815d-03cb223150ea";

  @TempDir static Path work;
  static Path fake;
  static Launcher daemon;

  @BeforeAll
  static void start() throws Exception {
    fake = Files.createDirectories(work.resolve("fake-claude"));
    for (String name : List.of("claude", "stream-input.jsonl", "permission.jsonl", "denied.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-claude", name), fake.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(fake.resolve("claude"), PosixFilePermissions.fromString("rwxr-xr-x"));
    daemon = Launcher.start(work, "t", List.of("--agent-bin", "claude=" + fake.resolve("claude")), Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private JsonNode await(String session, Predicate<JsonNode> until) throws InterruptedException {
    daemon.awaitEvent(session, 0, until, Duration.ofSeconds(30));
    return daemon.events(session);
  }

  private static Predicate<JsonNode> completedText(String text) {
    return e -> e.get("type").asText().equals("item.completed") && e.get("data").toString().contains(text);
  }

  private static List<JsonNode> ofType(JsonNode events, String type) {
    List<JsonNode> out = new ArrayList<>();
    events.forEach(e -> {
      if (e.get("type").asText().equals(type)) {
        out.add(e);
      }
    });
    return out;
  }

  @Test
  void turnsToolsPermissionsCrashAndResume() throws Exception {
    assertThat(daemon.post("/v1/sessions/c1", "{\"agent\":\"claude\"}").statusCode()).isEqualTo(200);

    assertThat(daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}").statusCode()).isEqualTo(204);
    JsonNode events = await("c1", completedText("Hello! This is a scripted reply from the fake model."));
    JsonNode user = events.get(1);
    assertThat(user.get("type").asText()).isEqualTo("item.started");
    assertThat(user.get("synthetic").asBoolean()).isTrue();
    assertThat(user.get("data").get("item").get("role").asText()).isEqualTo("user");
    assertThat(user.get("data").get("item").get("native_item_id").asText()).startsWith("user_");
    assertThat(user.get("data").get("item").get("content").get(0).get("text").asText()).isEqualTo("Say hello.");
    assertThat(events.get(events.size() - 1).get("native_session_id").asText()).isEqualTo(NATIVE_ID);

    daemon.post("/v1/sessions/c1/messages",
        "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
    events = await("c1", completedText("Done. The command's output was: hi"));
    assertThat(events.toString()).contains("\"Bash\"").contains("echo hi");

    daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
    events = await("c1", Launcher.ofType("permission.requested"));
    JsonNode request = ofType(events, "permission.requested").get(0);
    String permissionId = request.get("data").get("permission_id").asText();
    assertThat(request.get("data").toString()).contains("touch created-by-agent.txt");
    assertThat(daemon.post("/v1/sessions/c1/permissions/" + permissionId + "/reply", "{\"reply\":\"once\"}").statusCode())
        .isEqualTo(204);
    assertThat(permissionId).isEqualTo("ask-1");
    events = await("c1", Launcher.ofType("permission.resolved"));
    int resolvedAt = ofType(events, "permission.resolved").get(0).get("sequence").asInt();
    await("c1", e -> e.get("sequence").asInt() > resolvedAt && completedText("Done. The command's output was:").test(e));

    daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
    events = await("c1", e -> e.get("type").asText().equals("permission.requested")
        && !e.get("data").get("permission_id").asText().equals(permissionId));
    List<JsonNode> requests = ofType(events, "permission.requested");
    String second = requests.get(requests.size() - 1).get("data").get("permission_id").asText();
    assertThat(second).isEqualTo("ask-2");
    assertThat(daemon.post("/v1/sessions/c1/permissions/" + second + "/reply", "{\"reply\":\"reject\"}").statusCode())
        .isEqualTo(204);
    await("c1", e -> e.get("type").asText().equals("item.completed") && e.get("data").toString().contains("needs approval"));

    daemon.post("/v1/sessions/c1/messages", "{\"message\":\"crash now\"}");
    events = await("c1", e -> e.get("type").asText().equals("error") && e.get("data").toString().contains("simulated crash"));
    assertThat(ofType(events, "session.ended")).as("a crash between turns does not end the session").isEmpty();

    int before = daemon.events("c1").size();
    assertThat(daemon.post("/v1/sessions/c1/messages", "{\"message\":\"Say hello.\"}").statusCode()).isEqualTo(204);
    await("c1", e -> e.get("sequence").asInt() > before && completedText("Hello! This is a scripted reply").test(e));
    List<String> invocations = Files.readAllLines(fake.resolve("invocations.log"));
    assertThat(invocations).hasSize(2);
    assertThat(invocations.get(0)).contains("--input-format stream-json").contains("--permission-prompt-tool stdio")
        .doesNotContain("--resume");
    // the replayed permission turn announced its own session id last; the restart resumes that one
    assertThat(invocations.get(1)).contains("--resume " + PERMISSION_TURN_ID);

    assertThat(daemon.post("/v1/sessions/c1/terminate", "").statusCode()).isEqualTo(204);
    events = daemon.events("c1");
    assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("session.ended");
  }
}
