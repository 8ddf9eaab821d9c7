package dev.sandboxagent.host.process;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.api.AgentException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a command is launched so that it gets a session and process group of its own: through
 * {@code setsid} (util-linux) when it is installed, which makes the process the leader of a new
 * session without forking, so its pid stays the one the host started. Without {@code setsid} the
 * command runs in the daemon's process group, and is found by its marker alone.
 *
 * <p>And so that it cannot exit before its output is being read: the JDK closes its end of a
 * process's output pipes when the process exits unless a read holds them, and a child left behind
 * holding the pipe would then go unnoticed. The command starts behind a gate, a POSIX shell that
 * reads one line from the process's input and then {@code exec}s the command (the pid stays the
 * same); the host writes that line once its readers hold the output. The shell reads its input a
 * byte at a time, so nothing meant for the program is taken. Without {@code /bin/sh} there is no
 * gate.
 */
final class Launcher {

  private static final System.Logger LOG = System.getLogger(Launcher.class.getName());
  private static final String PATH = System.getenv("PATH");
  private static final Optional<String> SETSID = findSetsid();
  private static final String SHELL = "/bin/sh";
  private static final boolean GATE = executable(Path.of(SHELL));
  /** The gate's script: one line read from the input, then the command in the shell's place. */
  private static final String GATE_SCRIPT = "read -r _ && exec \"$@\"";

  private Launcher() {}

  /**
   * The command to run.
   *
   * @param ownGroup whether the process leads a process group of its own (its pid is the group id)
   * @param gated whether the process waits for one line (an empty one will do) on its input before
   *     the program runs
   */
  record Launch(List<String> command, boolean ownGroup, boolean gated) {
    Launch {
      command = List.copyOf(requireNonNull(command, "command is null"));
    }
  }

  /**
   * The launch for {@code command} run in {@code directory}. Through {@code setsid} the program is
   * looked up first (as the JVM would, on the daemon's {@code PATH}), so that a missing program is
   * still reported as not installed rather than as a failed {@code setsid}.
   *
   * @throws AgentException {@code NOT_INSTALLED} when the program is not found or not executable
   */
  static Launch command(List<String> command, Path directory) {
    if (SETSID.isEmpty() && !GATE) {
      return new Launch(command, false, false);
    }
    String program = command.get(0);
    String resolved = resolve(program, directory).orElseThrow(() -> new AgentException(
        AgentException.Kind.NOT_INSTALLED, "cannot start " + program + ": no such executable file"));
    List<String> launch = new ArrayList<>(command.size() + 5);
    if (GATE) {
      launch.addAll(List.of(SHELL, "-c", GATE_SCRIPT, "gate"));
    }
    SETSID.ifPresent(launch::add);
    launch.add(resolved);
    launch.addAll(command.subList(1, command.size()));
    return new Launch(launch, SETSID.isPresent(), GATE);
  }

  private static Optional<String> resolve(String program, Path directory) {
    if (program.contains("/")) {
      // Relative to the directory the program runs in; made absolute so setsid cannot read it as an option.
      Path path = directory == null ? Path.of(program) : directory.resolve(program);
      return executable(path) ? Optional.of(path.toAbsolutePath().toString()) : Optional.empty();
    }
    if (PATH == null) {
      return Optional.empty();
    }
    for (String dir : PATH.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
      if (executable(candidate)) {
        return Optional.of(candidate.toAbsolutePath().toString());
      }
    }
    return Optional.empty();
  }

  private static boolean executable(Path path) {
    return Files.isRegularFile(path) && Files.isExecutable(path);
  }

  private static Optional<String> findSetsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (executable(Path.of(candidate))) {
        return Optional.of(candidate);
      }
    }
    Optional<String> onPath = resolve("setsid", null);
    if (onPath.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "setsid is not installed: agent processes share the daemon's process group "
          + "and are stopped by their tree and their environment marker");
    }
    return onPath;
  }
}
