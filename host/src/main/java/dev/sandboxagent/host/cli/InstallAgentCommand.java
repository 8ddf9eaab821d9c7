package dev.sandboxagent.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.host.agent.AgentFailure;
import dev.sandboxagent.host.daemon.Daemon;
import dev.sandboxagent.host.daemon.HostConfig;
import dev.sandboxagent.host.install.AgentCatalog;
import dev.sandboxagent.host.install.InstallSettings;
import dev.sandboxagent.host.install.Installer;
import dev.sandboxagent.host.install.PlatformDetector;
import dev.sandboxagent.host.plugin.AdapterRegistry;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sandbox-agent install-agent <AGENT> [-r] [-A VERSION]}: installs an agent's program exactly
 * as the daemon would, with progress on stderr. Nothing is printed on stdout; the last stderr line
 * says what was installed where. Exit 0 on success, 1 on failure, 2 for a usage error.
 */
@Command(name = "install-agent", description = "Install or reinstall an agent's program (no daemon needed).",
    footerHeading = "%nExit status: 0 installed (or already there), 1 failure, 2 usage error.%n",
    footer = "Progress goes to stderr; nothing is printed on stdout.")
final class InstallAgentCommand implements Callable<Integer> {

  /** Held so that the levels set on them stay: plugin loading lines are noise on this command. */
  private static final Logger PF4J_LOG = Logger.getLogger("org.pf4j");
  private static final Logger PLUGIN_LOG = Logger.getLogger("dev.sandboxagent.host.plugin");
  private static final Logger INSTALL_LOG = Logger.getLogger("dev.sandboxagent.host.install");

  @Parameters(index = "0", paramLabel = "<AGENT>", description = "the agent, as GET /v1/agents lists it (claude, codex, "
      + "opencode, amp, an ACP agent, …)")
  String id;

  @Option(names = {"-r", "--reinstall"}, order = 1, description = "download even if the program is already there")
  boolean reinstall;

  @Option(names = {"-A", "--agent-version"}, paramLabel = "<VERSION>", order = 2,
      description = "version or npm dist-tag to install [default: latest]")
  String agentVersion;

  @Mixin InstallOptions install = new InstallOptions();

  private final CommandContext context;

  InstallAgentCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintStream err = context.err();
    Map<String, String> env = context.env();
    InstallSettings settings = install.installSettings(env);
    Path installDir = install.installDirectory(env);
    Platform platform = PlatformDetector.current();
    install.applyAcpAgents();
    for (Logger logger : new Logger[] {PF4J_LOG, PLUGIN_LOG, INSTALL_LOG}) {
      logger.setLevel(Level.WARNING);
    }
    try (AdapterRegistry registry = AdapterRegistry.load(install.pluginsDirectory(env))) {
      Optional<LoadedAgent> agent = registry.find(id);
      if (agent.isEmpty()) {
        throw new IllegalArgumentException("unsupported agent: " + id);
      }
      AgentCatalog catalog = Daemon.catalog(installDir, HostConfig.defaultInstallDirectory(env), settings, platform,
          new ObjectMapper());
      long start = System.nanoTime();
      Optional<Installer.Result> result;
      try {
        result = catalog.install(agent.get(), reinstall, agentVersion, new ConsoleProgress(err));
      } catch (AgentFailure e) {
        err.println();
        throw new IllegalStateException("install failed: " + id + ": "
            + (e.getMessage() != null ? e.getMessage() : "install failed: " + id), e);
      }
      if (result.isEmpty()) {
        err.println(id + " is already installed at " + catalog.resolve(agent.get().descriptor()).map(Object::toString)
            .orElse("(builtin)") + "; use --reinstall to replace it");
      } else {
        Installer.Result r = result.get();
        err.printf(Locale.ROOT, "installed %s %s at %s from %s in %.1f s%n", id, r.version(), r.binary(), r.source(),
            (System.nanoTime() - start) / 1e9);
      }
      return 0;
    }
  }

  /** Steps as lines; download figures at most every half second, in place on a terminal. */
  static final class ConsoleProgress implements Installer.Listener {
    private final PrintStream err;
    private final boolean terminal = System.console() != null;
    private long lastPrint;
    private boolean midLine;

    ConsoleProgress(PrintStream err) {
      this.err = err;
    }

    @Override
    public synchronized void step(String message) {
      if (midLine) {
        err.println();
        midLine = false;
      }
      err.println(message);
    }

    @Override
    public synchronized void update(long bytes, long total) {
      long now = System.nanoTime();
      boolean done = total > 0 && bytes >= total;
      if (!done && now - lastPrint < 500_000_000L) {
        return;
      }
      lastPrint = now;
      String figures = total > 0
          ? String.format(Locale.ROOT, "  %s / %s (%d%%)", size(bytes), size(total), bytes * 100 / total)
          : "  " + size(bytes);
      if (terminal) {
        err.print("\r" + figures);
        midLine = !done;
        if (done) {
          err.println();
        }
      } else {
        err.println(figures);
      }
    }

    static String size(long bytes) {
      if (bytes < 1024 * 1024) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
      }
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
  }
}
