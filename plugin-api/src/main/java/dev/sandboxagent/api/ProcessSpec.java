package dev.sandboxagent.api;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to start. The process inherits the daemon's environment plus the session's
 * {@link SessionContext#environment()} plus {@code environment} (later entries win; a null value
 * removes a variable). Stdin is a pipe; stdout is delivered line by line, stderr is kept as a tail.
 *
 * @param command the program and its arguments
 * @param environment extra variables; a null value removes an inherited one
 * @param workingDirectory where it runs, or null for the session's working directory
 */
public record ProcessSpec(List<String> command, Map<String, String> environment, Path workingDirectory) {

  /** Copies and validates. */
  public ProcessSpec {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    requireNonNull(environment, "environment is null");
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
  }

  /** A command with no extra environment in the session's working directory. */
  public static ProcessSpec of(List<String> command) {
    return new ProcessSpec(command, Map.of(), null);
  }
}
