package dev.sandboxagent.host.cli;

import static dev.sandboxagent.host.cli.ApiClient.segment;

import dev.sandboxagent.host.cli.ApiClient.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sandbox-agent api agents list | install | modes}: the agent endpoints. */
@Command(name = "agents", description = "The agent endpoints.", synopsisSubcommandLabel = "(list | install | modes)")
final class ApiAgentsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @ParentCommand ApiCommand api;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: list, install or modes");
  }

  @Command(name = "list", description = "GET /v1/agents: every agent, installed or not, and its capabilities.")
  int list() {
    return api.client().send(Request.get("/v1/agents"));
  }

  @Command(name = "install", description = "POST /v1/agents/<AGENT>/install: install the agent's program.")
  int install(@Parameters(paramLabel = "<AGENT>", description = "the agent") String agent,
      @Option(names = {"-r", "--reinstall"}, description = "download even if the program is already there")
      boolean reinstall) {
    return api.client().send(Request.post("/v1/agents/" + segment(agent) + "/install",
        reinstall ? "{\"reinstall\":true}" : "{}"));
  }

  @Command(name = "modes", description = "GET /v1/agents/<AGENT>/modes: the agent's modes.")
  int modes(@Parameters(paramLabel = "<AGENT>", description = "the agent") String agent) {
    return api.client().send(Request.get("/v1/agents/" + segment(agent) + "/modes"));
  }
}
