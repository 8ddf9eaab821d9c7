package dev.sandboxagent.plugins.acp;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ACP agents as data: the entries shipped in the plugin ({@code acp-agents/*.json}, listed in
 * {@code acp-agents/index}) and the user's, one {@code .json} file per agent in the directory given
 * by the daemon's {@code --acp-agents} option (system property {@value #PROPERTY}) or the
 * environment variable {@value #VARIABLE}. A user's entry replaces a shipped one of the same id; a
 * broken file is logged and skipped.
 */
final class AcpAgents {

  /** The system property the daemon sets from {@code --acp-agents}. */
  static final String PROPERTY = "sandbox-agent.acp-agents";
  /** The environment variable naming the user's entry directory. */
  static final String VARIABLE = "SANDBOX_AGENT_ACP_AGENTS";

  private static final System.Logger LOG = System.getLogger(AcpAgents.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private AcpAgents() {}

  /** The shipped entries, in the index's order. */
  static List<AcpAgentEntry> shipped() {
    List<AcpAgentEntry> entries = new ArrayList<>();
    for (String name : resource("acp-agents/index").lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
      entries.add(AcpAgentEntry.parse(read(() -> JSON.readTree(resource("acp-agents/" + name)))));
    }
    return entries;
  }

  /** The user's entry directory, or null when none is configured. */
  static Path userDirectory() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(VARIABLE);
    }
    return dir == null || dir.isBlank() ? null : Path.of(dir);
  }

  /** The user's entries in {@code dir}, by file name; broken files are logged and left out. */
  static List<AcpAgentEntry> user(Path dir) {
    if (dir == null) {
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      LOG.log(Level.WARNING, "ACP agents directory {0} does not exist", dir);
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot list ACP agents directory {0}: {1}", dir, e.toString());
      return List.of();
    }
    List<AcpAgentEntry> entries = new ArrayList<>();
    for (Path file : files) {
      try {
        entries.add(AcpAgentEntry.parse(JSON.readTree(file.toFile())));
      } catch (IOException | IllegalArgumentException e) {
        LOG.log(Level.ERROR, "ACP agent entry {0} skipped: {1}", file, e.getMessage());
      }
    }
    return entries;
  }

  /** The shipped entries with the user's added (replacing those of the same id). */
  static List<AcpAgentEntry> all(Path userDirectory) {
    Map<String, AcpAgentEntry> byId = new LinkedHashMap<>();
    shipped().forEach(e -> byId.put(e.id(), e));
    user(userDirectory).forEach(e -> byId.put(e.id(), e));
    return List.copyOf(byId.values());
  }

  private static String resource(String name) {
    try (InputStream in = AcpAgents.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the ACP plugin");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Io<T> {
    T get() throws IOException;
  }

  private static <T> T read(Io<T> io) {
    try {
      return io.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
