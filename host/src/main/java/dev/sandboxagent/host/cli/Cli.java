package dev.sandboxagent.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
    Optional<ServerCommand> server = ServerFastPath.parse(args, context);
    if (server.isPresent()) {
      LogDefaults.apply();
      try {
        return server.get().call();
      } catch (RuntimeException e) {
        PrintWriter writer = new PrintWriter(err, true, StandardCharsets.UTF_8);
        return report(e, "sandbox-agent server", writer);
      }
    }
    Set<Class<?>> commands = commandsFor(args);
    if (!apiOnly(commands)) {
      LogDefaults.apply();
    }
    Cli cli = new Cli(context);
    return commandLine(cli, context, new Factory(context), commands).execute(args);
  }

  /**
   * The commands the parser of {@code args} needs: at each level whose commands are added here (not
   * in an annotation, see {@link #LEVELS}), the one command the arguments name there, when only that
   * level's known options come before it; else every command of that level and all below it.
   * Building the parser's model from the annotations is most of a short command's time, and a command
   * is parsed, helped and reported on by its own model alone — except {@code completion}, which
   * describes all of them, and a command line that stops at a level (help, a mistake), whose messages
   * list that level's commands. {@code CommandsForTest} holds the options read here to the parser's,
   * and the results of both parsers to each other.
   */
  static Set<Class<?>> commandsFor(String[] args) {
    Set<Class<?>> chosen = new LinkedHashSet<>();
    CommandLevel level = LEVELS.get(Cli.class);
    int i = 0;
    while (level != null) {
      int at = level.indexOfCommand(args, i);
      Class<?> named = at < 0 ? null : level.named(args[at]);
      if (named == null) {
        chosen.addAll(everyCommandBelow(level));
        return chosen;
      }
      chosen.add(named);
      i = at + 1;
      level = LEVELS.get(named);
    }
    return chosen;
  }

  /** Every command of the command line: what a parser of all of it holds. */
  static Set<Class<?>> allCommands() {
    return everyCommandBelow(LEVELS.get(Cli.class));
  }

  private static Set<Class<?>> everyCommandBelow(CommandLevel level) {
    Set<Class<?>> all = new LinkedHashSet<>();
    for (Class<?> type : level.commands()) {
      all.add(type);
      CommandLevel below = LEVELS.get(type);
      if (below != null) {
        all.addAll(everyCommandBelow(below));
      }
    }
    return all;
  }

  /** Whether {@code commands} are an {@code api} command's: it sends a request and logs nothing. */
  private static boolean apiOnly(Set<Class<?>> commands) {
    return COMMANDS.stream().filter(commands::contains).toList().equals(List.of(ApiCommand.class));
  }

  /**
   * A command whose commands the parser gets from here: them in the order help lists them, and the
   * options that may come before one of them (by every name the parser knows them), those that
   * take a value and those that do not.
   */
  record CommandLevel(List<Class<?>> commands, Set<String> valueOptions, Set<String> flags) {

    /** The command of this level called {@code name}, or null ({@code completion} is never narrowed to). */
    Class<?> named(String name) {
      for (Class<?> type : commands) {
        if (type != CompletionCommand.class && type.getAnnotation(Command.class).name().equals(name)) {
          return type;
        }
      }
      return null;
    }

    /** Where the first argument from {@code from} on that is not one of the known options is, or -1. */
    int indexOfCommand(String[] args, int from) {
      for (int i = from; i < args.length; i++) {
        String arg = args[i];
        if (valueOptions.contains(arg)) {
          i++;
        } else if (!flags.contains(arg) && valueOptions.stream().noneMatch(o -> o.startsWith("--") && arg.startsWith(o + "="))) {
          return i;
        }
      }
      return -1;
    }
  }

  /** The token options that take a value, by every name the parser knows them. */
  static final Set<String> TOKEN_VALUE_OPTIONS = Set.of("-t", "--token", "--token-file");

  /** The token option that takes no value, by both its names. */
  static final Set<String> TOKEN_FLAGS = Set.of("-n", "--no-token");

  /** The levels whose commands are added here, by the command they are below. */
  static final Map<Class<?>, CommandLevel> LEVELS = Map.of(
      Cli.class, new CommandLevel(COMMANDS, TOKEN_VALUE_OPTIONS, TOKEN_FLAGS),
      ApiCommand.class, new CommandLevel(ApiCommand.GROUPS, union(TOKEN_VALUE_OPTIONS, ApiCommand.VALUE_OPTIONS), TOKEN_FLAGS));

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> both = new HashSet<>(a);
    both.addAll(b);
    return Set.copyOf(both);
  }

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
    return commandLine(command, context, factory, allCommands());
  }

  /**
   * The parser for {@code command}, whose commands {@code factory} creates, with those of the
   * {@code commands} given that are below it.
   */
  static CommandLine commandLine(Object command, CommandContext context, CommandLine.IFactory factory,
      Set<Class<?>> commands) {
    CommandLine line = withCommands(new CommandLine(command, factory), factory, commands);
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

  /**
   * {@code line} with those of the {@code commands} that its level has, each with its own, added
   * before it is: as the parser adds the commands an annotation names, so that options inherited
   * from above reach every level.
   */
  private static CommandLine withCommands(CommandLine line, CommandLine.IFactory factory, Set<Class<?>> commands) {
    CommandLevel level = LEVELS.get(line.getCommandSpec().userObject().getClass());
    if (level != null) {
      for (Class<?> type : level.commands()) {
        if (commands.contains(type)) {
          line.addSubcommand(withCommands(new CommandLine(create(factory, type), factory), factory, commands));
        }
      }
    }
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
