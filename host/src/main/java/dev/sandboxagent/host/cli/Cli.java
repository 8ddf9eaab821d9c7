package dev.sandboxagent.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * {@code sandbox-agent}: the command line. One parser (picocli) for every command, each command a
 * class of this package. Diagnostics go to stderr as {@code error: <message>}; the exit status is 0
 * on success, 1 on failure and 2 for a usage error (the parser's, or a {@link UsageException}).
 */
@Command(name = "sandbox-agent", versionProvider = Cli.Version.class,
    customSynopsis = {"sandbox-agent [-t <TOKEN> | --token-file <FILE> | -n] <COMMAND> [<ARGS>...]",
        "       sandbox-agent -h | -V"},
    description = "Runs coding agents (Claude Code, Codex, OpenCode, Amp, ACP agents) behind one HTTP API.",
    footerHeading = "%nExit status: 0 success, 1 failure, 2 usage error.%n",
    footer = "Run 'sandbox-agent <COMMAND> --help' for a command's options.")
public final class Cli implements Callable<Integer> {

  /** The help width: fixed, so that help reads the same in every terminal and in the README. */
  static final int HELP_WIDTH = 110;

  /**
   * The commands, in the order help lists them. Not in the annotation: a command line that names one
   * of them gets a parser with that command only (see {@link #commandsFor}).
   */
  static final List<Class<?>> COMMANDS = List.of(ServerCommand.class, InstallAgentCommand.class, ApiCommand.class,
      CredentialsCommand.class, HashTokenCommand.class, CompletionCommand.class, AotTrainingCommand.class,
      AotTrainingApiCommand.class);

  @Spec CommandSpec spec;

  @Option(names = {"-t", "--token"}, paramLabel = "<TOKEN>", scope = ScopeType.INHERIT, order = 100,
      description = "server: require this bearer token; api: send it. Other local users can see it: prefer "
          + "--token-file or the environment variable SANDBOX_TOKEN (a flag wins over it)")
  String token;

  @Option(names = "--token-file", paramLabel = "<FILE>", scope = ScopeType.INHERIT, order = 101,
      description = "read the token from this file (one line)")
  String tokenFile;

  @Option(names = {"-n", "--no-token"}, scope = ScopeType.INHERIT, order = 102,
      description = "server: no authentication; api: send no token")
  boolean noToken;

  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, order = 110,
      description = "print this help")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, order = 111, description = "print the version")
  boolean version;

  private final CommandContext context;

  Cli(CommandContext context) {
    this.context = context;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.in, System.out, System.err));
  }

  /** Runs the command line {@code args}; returns the exit status. */
  static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    CommandContext context = new CommandContext(env, in, out, err);
    OptionalInt quick = ShortCommandFastPath.run(args, context);
    if (quick.isPresent()) {
      return quick.getAsInt();
    }
    LogDefaults.apply();
    Optional<ServerCommand> server = ServerFastPath.parse(args, context);
    if (server.isPresent()) {
      try {
        return server.get().call();
      } catch (RuntimeException e) {
        PrintWriter writer = new PrintWriter(err, true, StandardCharsets.UTF_8);
        return report(e, "sandbox-agent server", writer);
      }
    }
    Cli cli = new Cli(context);
    return commandLine(cli, context, new Factory(context), commandsFor(args)).execute(args);
  }

  /**
   * The commands the parser of {@code args} needs: the one command they name, when only token
   * options come before it, else all of them. Building the parser's model from the annotations is
   * most of a short command's time, and a command is parsed, helped and reported on by its own model
   * alone — except {@code completion}, which describes all of them, and a command line without a
   * command (help, a mistake), whose messages list them. {@code CommandsForTest} holds the options
   * read here to the parser's, and the results of both parsers to each other.
   */
  static List<Class<?>> commandsFor(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (TOKEN_VALUE_OPTIONS.contains(arg)) {
        i++;
      } else if (!TOKEN_FLAGS.contains(arg) && !arg.startsWith("--token=") && !arg.startsWith("--token-file=")) {
        for (Class<?> type : COMMANDS) {
          if (type != CompletionCommand.class && type.getAnnotation(Command.class).name().equals(arg)) {
            return List.of(type);
          }
        }
        return COMMANDS;
      }
    }
    return COMMANDS;
  }

  /** The token options that take a value, by every name the parser knows them. */
  static final Set<String> TOKEN_VALUE_OPTIONS = Set.of("-t", "--token", "--token-file");

  /** The token option that takes no value, by both its names. */
  static final Set<String> TOKEN_FLAGS = Set.of("-n", "--no-token");

  /** Runs with no standard input. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return run(args, env, InputStream.nullInputStream(), out, err);
  }

  /** The parser for {@code command} (the whole command line, or one command on its own in tests). */
  static CommandLine commandLine(Object command, CommandContext context) {
    return commandLine(command, context, new Factory(context));
  }

  /** The parser for {@code command}, whose commands {@code factory} creates. */
  static CommandLine commandLine(Object command, CommandContext context, CommandLine.IFactory factory) {
    return commandLine(command, context, factory, COMMANDS);
  }

  /**
   * The parser for {@code command}, whose commands {@code factory} creates; the whole command line
   * ({@link Cli}) with the {@code commands} given.
   */
  static CommandLine commandLine(Object command, CommandContext context, CommandLine.IFactory factory,
      List<Class<?>> commands) {
    CommandLine line = new CommandLine(command, factory);
    if (command instanceof Cli) {
      for (Class<?> type : commands) {
        line.addSubcommand(new CommandLine(create(factory, type), factory));
      }
    }
    line.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
    line.setUsageHelpAutoWidth(false);
    line.setUsageHelpWidth(HELP_WIDTH);
    line.setUsageHelpLongOptionsMaxWidth(28);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler(Cli::usageError);
    line.setExecutionExceptionHandler(Cli::failure);
    style(line);
    return line;
  }

  private static Object create(CommandLine.IFactory factory, Class<?> type) {
    try {
      return factory.create(type);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the command " + type.getName(), e);
    }
  }

  /** The same help layout for every command: options in the order declared, sections set apart. */
  private static void style(CommandLine line) {
    line.getCommandSpec().usageMessage().sortOptions(false).sortSynopsis(false).abbreviateSynopsis(false)
        .descriptionHeading("%n").parameterListHeading("%nArguments:%n").optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n");
    line.getSubcommands().values().stream().distinct().forEach(Cli::style);
  }

  /** Without a command: a usage error naming the one most people want. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing command: run `sandbox-agent server` to start the server");
  }

  /**
   * The token the command line gives: {@code --token}, else the file of {@code --token-file}, else
   * {@code SANDBOX_TOKEN}; null with {@code --no-token} or when none is given.
   *
   * @throws UsageException when more than one of the three flags is given
   * @throws IllegalArgumentException for an empty token or an unreadable token file
   */
  String token() {
    TokenOptions.checkExclusive(token, tokenFile, noToken);
    return TokenOptions.resolve(token, tokenFile, noToken, context.env());
  }

  /** Whether {@code --no-token} was given. */
  boolean noToken() {
    return noToken;
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    err.println("error: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
    return 2;
  }

  private static int failure(Exception e, CommandLine line, ParseResult parsed) {
    return report(e, line.getCommandSpec().qualifiedName(), line.getErr());
  }

  /**
   * Reports what made {@code command} fail: a usage error (2) with where to find its usage, else the
   * failure's message (1).
   */
  static int report(Exception e, String command, PrintWriter err) {
    err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
    if (e instanceof UsageException) {
      err.println("Run '" + command + " --help' for usage.");
      return 2;
    }
    return 1;
  }

  /** The version of this build. */
  static String version() {
    try (InputStream in = Cli.class.getResourceAsStream("/dev/sandboxagent/host/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** {@code sandbox-agent <version>}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sandbox-agent " + version()};
    }
  }

  /**
   * The logging every command but the short ones starts with, set on first use: the logging
   * framework's start is a cost {@code --version} need not pay.
   */
  private static final class LogDefaults {

    /** Held so that its level stays: the plugin framework's per-plugin lines repeat what the registry logs. */
    private static final Logger PF4J_LOG = Logger.getLogger("org.pf4j");

    static {
      PF4J_LOG.setLevel(Level.WARNING);
      if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
        UtcLogFormatter.install();
      }
    }

    static void apply() {
      // the static initializer did it
    }
  }

  /** Creates the commands with the context they run in. */
  record Factory(CommandContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getDeclaredConstructor(CommandContext.class).newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
