package dev.sandboxagent.host.cli;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Reads a well-formed {@code server} command line straight into {@link ServerCommand}, so that the
 * daemon's start does not wait for the parser. The parser's classes are of a class-file version the
 * JDK's AOT cache cannot hold, and building its model costs a daemon start far more than the rest of
 * its command line. The options are those the parser knows — the same annotated fields, converters
 * and names — so this is no second grammar: any argument it does not read plainly (help, an unknown
 * or repeated option, a bad value, clustered short options) leaves the whole command line to the
 * parser, which reports it.
 */
final class ServerFastPath {

  private ServerFastPath() {}

  /** An option's field on the object it belongs to. */
  private record Binding(Object owner, Field field, Option option) {}

  /**
   * The server command with its options set, when {@code args} is a {@code server} command line of
   * plain options (values given as {@code --name value} or {@code --name=value}); else empty.
   */
  static Optional<ServerCommand> parse(String[] args, CommandContext context) {
    Cli cli = new Cli(context);
    ServerCommand server = new ServerCommand(context);
    server.cli = cli;
    Map<String, Binding> options = new HashMap<>();
    bind(cli, options);
    bind(server, options);
    Set<Field> given = new HashSet<>();
    boolean command = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!command && arg.equals("server")) {
        command = true;
        continue;
      }
      int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
      Binding binding = options.get(eq > 0 ? arg.substring(0, eq) : arg);
      if (binding == null || binding.owner() != cli && !command || !given.add(binding.field())
          && !List.class.isAssignableFrom(binding.field().getType())) {
        return Optional.empty();
      }
      String value = null;
      if (binding.field().getType() != boolean.class) {
        if (eq > 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          return Optional.empty();
        }
      } else if (eq > 0) {
        return Optional.empty();
      }
      if (!set(binding, value)) {
        return Optional.empty();
      }
    }
    return command ? Optional.of(server) : Optional.empty();
  }

  /** The options of {@code command} and of its mixins, by each of their names; help options are left out. */
  private static void bind(Object command, Map<String, Binding> into) {
    for (Class<?> type = command.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        Option option = field.getAnnotation(Option.class);
        if (option != null && !option.usageHelp() && !option.versionHelp()) {
          for (String name : option.names()) {
            into.put(name, new Binding(command, field, option));
          }
        } else if (field.isAnnotationPresent(Mixin.class)) {
          try {
            bind(field.get(command), into);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
  }

  /** Sets the option, converted as the parser would; false when the value is not plain. */
  @SuppressWarnings("unchecked")
  private static boolean set(Binding binding, String value) {
    Field field = binding.field();
    try {
      Object converted;
      if (value == null) {
        converted = true;
      } else if (binding.option().converter().length > 0) {
        ITypeConverter<?> converter = binding.option().converter()[0].getDeclaredConstructor().newInstance();
        converted = converter.convert(value);
      } else if (field.getType() == String.class || List.class.isAssignableFrom(field.getType())) {
        converted = value;
      } else {
        return false;
      }
      if (List.class.isAssignableFrom(field.getType())) {
        ((List<Object>) field.get(binding.owner())).add(converted);
      } else {
        field.set(binding.owner(), converted);
      }
      return true;
    } catch (Exception e) {
      // a bad value: the parser says what is wrong with it
      return false;
    }
  }
}
