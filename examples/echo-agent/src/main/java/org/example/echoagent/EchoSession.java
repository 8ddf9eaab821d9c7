package org.example.echoagent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import java.util.List;
import java.util.Map;

/**
 * One echo-agent process per session, started and driven by the host ({@link
 * SessionContext#startAgentProcess}): the host feeds every stdout line to the session's {@link
 * EchoTranslator} and records what it returns, applies its fault rules (a silent turn, an exit in the
 * middle of one), and stops the process with the session.
 */
final class EchoSession implements AgentSession {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AgentProcess process;

  private EchoSession(SessionContext context) {
    if (context.binary() == null) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED, "echo-agent is not installed");
    }
    this.process = context.startAgentProcess(ProcessSpec.of(List.of(context.binary().toString())),
        new EchoTranslator());
  }

  static EchoSession start(SessionContext context) {
    return new EchoSession(context);
  }

  @Override
  public String nativeSessionId() {
    return null; // announced by the program's "ready" line and stamped on every event
  }

  @Override
  public void send(String message) {
    if (!process.isAlive()) {
      throw new AgentException(AgentException.Kind.PROCESS_EXITED, "echo-agent has exited");
    }
    try {
      process.writeLine(JSON.writeValueAsString(Map.of("prompt", message)));
    } catch (JsonProcessingException e) {
      throw new AgentException(AgentException.Kind.STREAM_ERROR, "cannot encode the message", e);
    }
  }

  @Override
  public void close() {
    process.stop();
  }
}
