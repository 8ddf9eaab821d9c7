package dev.sandboxagent.host.install;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Asks an agent program its version: the first non-empty line it prints for {@code --version},
 * {@code version} or {@code -V}, from the first of them that exits 0. Each run has a timeout and
 * an output limit, and leaves no process behind.
 */
final class VersionProbe {

  private static final long PROBE_TIMEOUT_MS = 5_000;
  private static final int PROBE_OUTPUT_LIMIT = 64 * 1024;

  private VersionProbe() {}

  /** The program's version, or empty when none of the arguments gives one. */
  static Optional<String> version(Path binary) {
    for (String arg : List.of("--version", "version", "-V")) {
      Optional<String> v = probe(binary, arg);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> probe(Path binary, String arg) {
    Process process;
    try {
      process = new ProcessBuilder(binary.toString(), arg)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
    } catch (IOException e) {
      return Optional.empty();
    }
    try {
      Thread errReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream()));
      String out = readLimited(process.getInputStream());
      if (!process.waitFor(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        return Optional.empty();
      }
      errReader.join(PROBE_TIMEOUT_MS);
      if (process.exitValue() != 0) {
        return Optional.empty();
      }
      return out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static String readLimited(InputStream in) {
    try (in) {
      byte[] bytes = in.readNBytes(PROBE_OUTPUT_LIMIT);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static void drain(InputStream in) {
    try (in) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the probe only needs stdout
    }
  }
}
