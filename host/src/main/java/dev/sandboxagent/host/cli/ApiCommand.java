package dev.sandboxagent.host.cli;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code sandbox-agent api agents|sessions …}: a thin HTTP client for every endpoint of a running
 * daemon. {@code -e} and the token options go anywhere after {@code api}.
 */
@Command(name = "api", description = "HTTP client for a running daemon.",
    synopsisSubcommandLabel = "(agents | sessions) <COMMAND>",
    footerHeading = "%nExit status: 0 success, 1 failure (an error status, the daemon not reachable), 2 usage error.%n",
    footer = {"JSON answers are printed pretty on stdout; streams are copied as they arrive. On an error status",
        "the answer's body is printed on stderr. Path arguments (ids) are percent-encoded."})
final class ApiCommand implements Callable<Integer> {

  /**
   * Its commands, in the order help lists them. Not in the annotation: a command line that names one
   * gets a parser with that one only (see {@link Cli#commandsFor}).
   */
  static final List<Class<?>> GROUPS = List.of(ApiAgentsCommand.class, ApiSessionsCommand.class);

  /** Its own options that take a value, by every name the parser knows them. */
  static final Set<String> VALUE_OPTIONS = Set.of("-e", "--endpoint");

  @Spec CommandSpec spec;
  @ParentCommand Cli cli;

  @Option(names = {"-e", "--endpoint"}, paramLabel = "<URL>", scope = ScopeType.INHERIT, order = 90,
      converter = Converters.Endpoint.class, defaultValue = "http://127.0.0.1:2468",
      description = "the daemon's URL [default: ${DEFAULT-VALUE}]")
  URI endpoint;

  private final CommandContext context;

  ApiCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: agents or sessions");
  }

  /** The client for the endpoint and token of this command line. */
  ApiClient client() {
    String token = cli.token();
    return new ApiClient(endpoint, cli.noToken() ? null : token, context.out(), context.err());
  }
}
