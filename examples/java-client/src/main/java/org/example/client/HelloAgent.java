package org.example.client;

import dev.sandboxagent.api.event.EventData;
import dev.sandboxagent.client.EventStream;
import dev.sandboxagent.client.PermissionReply;
import dev.sandboxagent.client.SandboxAgent;
import dev.sandboxagent.client.SandboxAgentClient;
import dev.sandboxagent.client.SessionOptions;
import dev.sandboxagent.client.TurnHandler;
import dev.sandboxagent.client.TurnResult;
import java.nio.file.Path;

/** Starts the daemon of an installation directory and drives the mock agent through the Java client. */
public final class HelloAgent {

  private HelloAgent() {}

  /** {@code args[0]}: the installation directory, such as {@code distribution/target/sandbox-agent}. */
  public static void main(String[] args) {
    try (SandboxAgentClient agent = SandboxAgent.start(Path.of(args[0]))) {
      agent.createSession("hello", SessionOptions.of("mock"));

      TurnResult turn = agent.runTurn("hello", "echo Hello from Java");
      System.out.println("assistant: " + turn.text());

      // Human in the loop by policy: commands are allowed once, anything else is refused.
      agent.sendMessage("hello", "permission");
      try (EventStream events = agent.subscribe("hello", turn.last().sequence())) {
        events.stream()
            .filter(e -> e.data() instanceof EventData.PermissionRequested)
            .limit(2)
            .forEach(e -> {
              EventData.PermissionRequested p = (EventData.PermissionRequested) e.data();
              PermissionReply reply =
                  p.action().equals("command_execution") ? PermissionReply.ONCE : PermissionReply.REJECT;
              agent.replyPermission("hello", p.permissionId(), reply);
              System.out.println("permission " + p.action() + ": " + reply.wireName());
            });
      }

      // The same policy as a handler: runTurn answers requests itself and returns at the turn's end.
      TurnHandler policy = new TurnHandler() {
        @Override
        public PermissionReply onPermission(EventData.PermissionRequested p) {
          return p.action().equals("command_execution") ? PermissionReply.ONCE : PermissionReply.REJECT;
        }
      };
      System.out.println("assistant: " + agent.runTurn("hello", "echo Done.", policy).text());
      agent.terminate("hello");
    }
  }
}
