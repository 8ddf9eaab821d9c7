package dev.sandboxagent.host.cli;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One leaf command of the command line: its positional arguments and options, a parser and its
 * usage text. Accepts {@code --name value}, {@code --name=value}, {@code -n value}, {@code -nvalue},
 * {@code -n=value}, clustered short switches and {@code --} before positionals that start with a
 * dash. An option's value is taken verbatim, even when it starts with a dash, so a message such
 * as {@code -m "-1 is odd"} needs no quoting tricks. A repeated option keeps its last value.
 */
final class CommandSpec {

  /** A command-line mistake: reported with the usage, exit status 2. */
  static final class ArgumentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ArgumentException(String message) {
      super(message);
    }
  }

  /**
   * One option.
   *
   * @param shortName the one-letter form, or null
   * @param longName the long form without dashes
   * @param valueName the placeholder of its value ({@code AGENT}), or null for a switch
   * @param required whether the command fails without it
   * @param help one line of help
   */
  record Option(String shortName, String longName, String valueName, boolean required, String help) {
    Option {
      requireNonNull(longName, "longName is null");
      requireNonNull(help, "help is null");
    }

    static Option flag(String shortName, String longName, String help) {
      return new Option(shortName, longName, null, false, help);
    }

    static Option value(String shortName, String longName, String valueName, String help) {
      return new Option(shortName, longName, valueName, false, help);
    }

    static Option required(String shortName, String longName, String valueName, String help) {
      return new Option(shortName, longName, valueName, true, help);
    }

    boolean takesValue() {
      return valueName != null;
    }

    /** {@code --agent <AGENT>}, the way error messages name the option. */
    String display() {
      return "--" + longName + (takesValue() ? " <" + valueName + ">" : "");
    }
  }

  /** The outcome of a parse: help was asked for, or the positionals and option values. */
  record Parsed(boolean help, List<String> positionals, Map<String, String> values) {
    Parsed {
      positionals = List.copyOf(positionals);
      values = Map.copyOf(values);
    }

    boolean has(String longName) {
      return values.containsKey(longName);
    }

    /** The option's value, or null when it was not given. */
    String value(String longName) {
      return values.get(longName);
    }

    String positional(int index) {
      return positionals.get(index);
    }
  }

  private final String path;
  private final String about;
  private final List<String> positionals;
  private final List<Option> options;

  /**
   * @param path the words that run the command, e.g. {@code sandbox-agent api sessions create}
   * @param about one line describing it
   * @param positionals the names of its positional arguments, all required
   * @param options its options, not counting {@code -h}/{@code --help}
   */
  CommandSpec(String path, String about, List<String> positionals, List<Option> options) {
    this.path = requireNonNull(path, "path is null");
    this.about = requireNonNull(about, "about is null");
    this.positionals = List.copyOf(positionals);
    this.options = List.copyOf(options);
  }

  String about() {
    return about;
  }

  /**
   * Parses the words after the command name. Help wins over any error found after it, as it does
   * in the rest of the command line.
   *
   * @throws ArgumentException for an unknown option, a missing value, a missing or surplus argument
   */
  Parsed parse(List<String> args) {
    List<String> found = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    boolean onlyPositionals = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (onlyPositionals || !arg.startsWith("-") || arg.equals("-")) {
        found.add(arg);
      } else if (arg.equals("--")) {
        onlyPositionals = true;
      } else if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
        if (name.equals("help")) {
          return new Parsed(true, List.of(), Map.of());
        }
        Option option = byLong(name).orElseThrow(() -> unexpected(arg));
        if (!option.takesValue()) {
          if (eq >= 0) {
            throw new ArgumentException("unexpected value '" + arg.substring(eq + 1) + "' for '--" + name
                + "' found; no more were expected");
          }
          values.put(option.longName(), "true");
        } else if (eq >= 0) {
          values.put(option.longName(), arg.substring(eq + 1));
        } else {
          values.put(option.longName(), next(args, ++i, option));
        }
      } else {
        int consumed = shortCluster(args, i, values);
        if (consumed < 0) {
          return new Parsed(true, List.of(), Map.of());
        }
        i += consumed;
      }
    }
    if (found.size() > positionals.size()) {
      throw unexpected(found.get(positionals.size()));
    }
    List<String> missing = new ArrayList<>();
    for (Option option : options) {
      if (option.required() && !values.containsKey(option.longName())) {
        missing.add(option.display());
      }
    }
    for (int i = found.size(); i < positionals.size(); i++) {
      missing.add("<" + positionals.get(i) + ">");
    }
    if (!missing.isEmpty()) {
      throw new ArgumentException("the following required arguments were not provided: " + String.join(", ", missing));
    }
    return new Parsed(false, found, values);
  }

  /** Parses {@code -abc} or {@code -mVALUE}; returns how many extra words it used, or -1 for help. */
  private int shortCluster(List<String> args, int index, Map<String, String> values) {
    String arg = args.get(index);
    for (int j = 1; j < arg.length(); j++) {
      String letter = arg.substring(j, j + 1);
      if (letter.equals("h")) {
        return -1;
      }
      Option option = byShort(letter).orElseThrow(() -> unexpected("-" + letter));
      if (!option.takesValue()) {
        values.put(option.longName(), "true");
        continue;
      }
      String rest = arg.substring(j + 1);
      if (rest.startsWith("=")) {
        rest = rest.substring(1);
      }
      if (!rest.isEmpty() || arg.charAt(arg.length() - 1) == '=') {
        values.put(option.longName(), rest);
        return 0;
      }
      values.put(option.longName(), next(args, index + 1, option));
      return 1;
    }
    return 0;
  }

  private static String next(List<String> args, int index, Option option) {
    if (index >= args.size()) {
      throw new ArgumentException("a value is required for '" + option.display() + "' but none was supplied");
    }
    return args.get(index);
  }

  private static ArgumentException unexpected(String arg) {
    return new ArgumentException("unexpected argument '" + arg + "' found");
  }

  private Optional<Option> byLong(String name) {
    return options.stream().filter(o -> o.longName().equals(name)).findFirst();
  }

  private Optional<Option> byShort(String letter) {
    return options.stream().filter(o -> letter.equals(o.shortName())).findFirst();
  }

  /** The usage text: the synopsis, the arguments and every option with its help. */
  String usage() {
    StringBuilder synopsis = new StringBuilder("Usage: ").append(path);
    if (options.stream().anyMatch(o -> !o.required())) {
      synopsis.append(" [OPTIONS]");
    }
    options.stream().filter(Option::required).forEach(o -> synopsis.append(' ').append(o.display()));
    positionals.forEach(p -> synopsis.append(" <").append(p).append('>'));

    List<String[]> rows = new ArrayList<>();
    for (Option o : options) {
      String names = (o.shortName() == null ? "    " : "-" + o.shortName() + ", ") + "--" + o.longName()
          + (o.takesValue() ? " <" + o.valueName() + ">" : "");
      rows.add(new String[] {names, o.help()});
    }
    rows.add(new String[] {"-h, --help", "Print help"});
    StringBuilder text = new StringBuilder(about).append("\n\n").append(synopsis).append('\n');
    if (!positionals.isEmpty()) {
      text.append("\nArguments:\n");
      positionals.forEach(p -> text.append("  <").append(p).append(">\n"));
    }
    text.append("\nOptions:\n").append(table(rows));
    return text.toString();
  }

  /** Two aligned columns, each row indented by two spaces. */
  static String table(List<String[]> rows) {
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      text.append("  ").append(row[0]);
      if (!row[1].isEmpty()) {
        text.append(" ".repeat(width - row[0].length() + 2)).append(row[1]);
      }
      text.append('\n');
    }
    return text.toString();
  }
}
