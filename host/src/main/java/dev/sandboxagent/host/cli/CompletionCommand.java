package dev.sandboxagent.host.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sandbox-agent completion bash|zsh}: the shell completion script of the whole command line,
 * generated from the parser's model so that it never falls behind the commands. zsh loads the same
 * script through its bash completion layer ({@code bashcompinit}), which the script turns on itself.
 */
@Command(name = "completion", description = "Print the shell completion script for bash or zsh.",
    footerHeading = "%nUse:%n",
    footer = {"  bash: source <(sandbox-agent completion bash)   (or save it in /etc/bash_completion.d/)",
        "  zsh:  source <(sandbox-agent completion zsh)    (the script runs bashcompinit itself)"})
final class CompletionCommand implements Callable<Integer> {

  /** The shells the script works in. */
  enum Shell {
    bash,
    zsh
  }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<SHELL>", description = "bash or zsh")
  Shell shell;

  private final CommandContext context;

  CompletionCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    context.out().print(AutoComplete.bash("sandbox-agent", spec.root().commandLine()));
    context.out().flush();
    return 0;
  }
}
