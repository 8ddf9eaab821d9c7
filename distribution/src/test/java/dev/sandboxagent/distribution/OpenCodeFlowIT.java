package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The OpenCode plugin in the shipped daemon with a stand-in {@code opencode serve} (an HTTP server
 * replaying recorded events): the host-chosen port, two sessions routed from one event stream, a
 * permission answered through the API, and a crash reported to the session whose turn it cut.
 */
@Timeout(180)
class OpenCodeFlowIT {

  @TempDir static Path work;
  static Path fake;
  static Launcher daemon;

  @BeforeAll
  static void start() throws Exception {
    fake = Files.createDirectories(work.resolve("fake-opencode"));
    for (String name : List.of("opencode", "FakeOpenCode.java", "tool.jsonl", "permission.jsonl")) {
      Files.copy(Path.of("src/test/resources/fake-opencode", name), fake.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(fake.resolve("opencode"), PosixFilePermissions.fromString("rwxr-xr-x"));
    String java = ProcessHandle.current().info().command().orElseThrow();
    daemon = Launcher.start(work, "t", List.of("--agent-bin", "opencode=" + fake.resolve("opencode")),
        Map.of("SANDBOX_TEST_JAVA", java));
  }

  @AfterAll
  static void stop() throws Exception {
    if (daemon != null) {
      daemon.stop();
    }
  }

  private JsonNode await(String session, Predicate<JsonNode> until) throws InterruptedException {
    return daemon.awaitEvent(session, 0, until, Duration.ofSeconds(60));
  }

  @Test
  void sessionsOfOneServerTheirTurnsAPermissionAndACrash() throws Exception {
    JsonNode first = Launcher.json(daemon.post("/v1/sessions/o1", "{\"agent\":\"opencode\"}"));
    assertThat(first.get("nativeSessionId").asText()).isEqualTo("ses_dfa7d1942ffeCwKgrn9dmvVMVl");
    JsonNode second = Launcher.json(daemon.post("/v1/sessions/o2", "{\"agent\":\"opencode\",\"model\":\"fake/fake-model\"}"));
    assertThat(second.get("nativeSessionId").asText()).isEqualTo("ses_dfa7cf092ffeY7QxVOHDSRckry");
    JsonNode status = Launcher.json(daemon.get("/v1/agents")).get("agents").get(2).get("serverStatus");
    assertThat(status.get("status").asText()).isEqualTo("running");
    assertThat(status.get("baseUrl").asText()).startsWith("http://127.0.0.1:");

    daemon.post("/v1/sessions/o1/messages", "{\"message\":\"Say hello.\"}");
    int idle = daemon.awaitEvent("o1", 0, Launcher.statusCompleted("session.idle"), Duration.ofSeconds(60)).get("sequence").asInt();
    daemon.post("/v1/sessions/o1/messages", "{\"message\":\"Run the shell command echo hi and tell me what it printed.\"}");
    daemon.awaitEvent("o1", idle, Launcher.statusCompleted("session.idle"), Duration.ofSeconds(60));
    String o1 = Launcher.json(daemon.get("/v1/sessions/o1/events")).toString();
    assertThat(o1).contains("Hello! This is a scripted reply from the fake model.").contains("Done. The command's output was: hi")
        .contains("\"role\":\"user\"").doesNotContain("ses_dfa7cf092ffeY7QxVOHDSRckry");

    daemon.post("/v1/sessions/o2/messages", "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
    JsonNode ask = await("o2", e -> e.get("type").asText().equals("permission.requested"));
    String id = ask.get("data").get("permission_id").asText();
    assertThat(id).isEqualTo("per_205831815001FvKcx56S2d58C0");
    assertThat(daemon.post("/v1/sessions/o2/permissions/" + id + "/reply", "{\"reply\":\"once\"}").statusCode()).isEqualTo(204);
    daemon.awaitEvent("o2", ask.get("sequence").asInt(), Launcher.statusCompleted("session.idle"), Duration.ofSeconds(60));
    String requests = Files.readString(fake.resolve("requests.log"));
    assertThat(requests).contains("serve --hostname 127.0.0.1 --port ")
        .contains("POST /permission/per_205831815001FvKcx56S2d58C0/reply {\"reply\":\"once\"}")
        .contains("POST /session/ses_dfa7cf092ffeY7QxVOHDSRckry/prompt_async {\"parts\":[{\"type\":\"text\",\"text\":"
            + "\"Create the empty file created-by-agent.txt with touch.\"}],\"agent\":\"build\","
            + "\"model\":{\"providerID\":\"fake\",\"modelID\":\"fake-model\"}}");

    daemon.post("/v1/sessions/o1/messages", "{\"message\":\"crash\"}");
    JsonNode error = await("o1", e -> e.get("type").asText().equals("error"));
    assertThat(error.get("data").get("message").asText()).contains("opencode server exited with status 3")
        .contains("fatal: simulated crash");
    assertThat(Launcher.json(daemon.get("/v1/agents")).get("agents").get(2).get("serverStatus").get("status").asText())
        .isEqualTo("error");
    assertThat(daemon.post("/v1/sessions/o1/terminate", "").statusCode()).isEqualTo(204);

    // o2 was between turns: it hears nothing of the crash, and its next message starts a new server
    int before = daemon.events("o2").size();
    daemon.post("/v1/sessions/o2/messages", "{\"message\":\"Create the empty file created-by-agent.txt with touch.\"}");
    daemon.awaitEvent("o2", before, e -> e.get("type").asText().equals("permission.requested"), Duration.ofSeconds(60));
    assertThat(Launcher.types(daemon.events("o2"))).doesNotContain("error");
  }
}
