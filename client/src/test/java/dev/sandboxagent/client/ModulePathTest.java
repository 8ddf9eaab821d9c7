package dev.sandboxagent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.api.event.UniversalEvent;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The client runs as the named module its descriptor declares, and reads events and answers there. */
class ModulePathTest {

  @Test
  void theClientAndTheEventRecordsAreNamedModulesAndJacksonReadsThem() throws IOException {
    assertThat(SandboxAgentClient.class.getModule().getName()).isEqualTo("dev.sandboxagent.client");
    assertThat(UniversalEvent.class.getModule().getName()).isEqualTo("dev.sandboxagent.api");
    assertThat(SandboxAgentClient.class.getModule().getLayer().findModule("org.pf4j")).isEmpty();

    EventPage page = SandboxAgentClient.JSON.readValue("""
        {"events":[{"event_id":"evt_1","sequence":1,"time":"2026-01-01T00:00:00Z","session_id":"s",
        "native_session_id":null,"synthetic":true,"source":"daemon","type":"session.started",
        "data":{"metadata":{}},"raw":null}],"hasMore":false}""", EventPage.class);
    assertThat(page.events()).singleElement().satisfies(e -> {
      assertThat(e.sequence()).isEqualTo(1);
      assertThat(e.data()).isInstanceOf(EventData.SessionStarted.class);
    });
    Problem problem = SandboxAgentClient.JSON.readValue("""
        {"type":"urn:sandbox-agent:error:session_not_found","title":"Session Not Found","status":404,
        "detail":"session not found","details":{"sessionId":"x"}}""", Problem.class);
    assertThat(new SandboxAgentException("m", 404, problem).errorType()).contains("session_not_found");
    assertThat(problem.details().get("sessionId").asText()).isEqualTo("x");
  }
}
