package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * A stand-in {@code codex app-server} for session tests: a shell program that answers the
 * handshake and a thread per {@code thread/start} ({@code thr_<request id>}), writes every line it
 * reads to {@code stdin.log}, and handles the other requests with the {@code case} arms a test
 * gives it ({@code $id}, {@code $thread}, {@code $dir} and {@code $line} are set for them).
 */
final class StandInAppServer {

  private static final String HEAD = """
      #!/bin/sh
      dir=$(dirname "$0")
      while IFS= read -r line; do
        printf '%s\\n' "$line" >> "$dir/stdin.log"
        id=$(printf '%s' "$line" | sed -n 's/^{"id":\\([0-9]*\\),.*/\\1/p')
        thread=$(printf '%s' "$line" | sed -n 's/.*"threadId":"\\([^"]*\\)".*/\\1/p')
        case "$line" in
          *'"method":"initialize"'*) echo "{\\"id\\":$id,\\"result\\":{}}" ;;
          *'"method":"thread/start"'*) echo "{\\"id\\":$id,\\"result\\":{\\"thread\\":{\\"id\\":\\"thr_$id\\"}}}" ;;
      """;
  private static final String TAIL = """
        esac
      done
      """;

  private StandInAppServer() {}

  /** Writes the program with {@code arms} into {@code dir} as {@code codex}; returns its path. */
  static Path write(Path dir, String arms) throws IOException {
    Path program = dir.resolve("codex");
    Files.writeString(program, HEAD + arms + TAIL);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    return program;
  }

  /** Waits until the program has read {@code text}. */
  static void awaitStdin(Path dir, String text) throws InterruptedException, IOException {
    Path log = dir.resolve("stdin.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      assertThat(System.nanoTime()).as("the server read %s", text).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
