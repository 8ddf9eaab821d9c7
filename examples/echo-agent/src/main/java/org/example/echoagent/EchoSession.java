package org.example.echoagent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentException;
import dev.sandboxagent.api.AgentProcess;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.ExitStatus;
import dev.sandboxagent.api.ProcessListener;
import dev.sandboxagent.api.ProcessSpec;
import dev.sandboxagent.api.SessionContext;
import java.util.List;
import java.util.Map;

/**
 * One echo-agent process per session, started by the host ({@link SessionContext#startProcess}) so
 * that the host owns it: it is stopped with the session, and the daemon never leaves it behind.
 * Every stdout line goes through the session's {@link EchoTranslator}.
 */
final class EchoSession implements AgentSession {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SessionContext context;
  private final EchoTranslator translator = new EchoTranslator();
  private final AgentProcess process;

  private EchoSession(SessionContext context) {
    this.context = context;
    if (context.binary() == null) {
      throw new AgentException(AgentException.Kind.NOT_INSTALLED, "echo-agent is not installed");
    }
    this.process = context.startProcess(ProcessSpec.of(List.of(context.binary().toString())), new ProcessListener() {
      @Override
      public void stdout(String line) {
        context.events().emit(translator.translate(line));
      }

      @Override
      public void exited(ExitStatus status) {
        // A crash ends the session with the program's own words; a clean exit just closes it.
        context.events().end(translator.finish(status));
      }
    });
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
