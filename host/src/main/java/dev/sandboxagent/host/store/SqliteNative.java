package dev.sandboxagent.host.store;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * SQLite's native library, kept in the data directory. Left alone, sqlite-jdbc copies it out of its
 * JAR into the temporary directory at every start (a megabyte written, read back and compared, and
 * left behind by a daemon that is killed), after listing the whole temporary directory for stale
 * copies, and finds its platform's library by running {@code uname} and reading every file the
 * process has mapped. Instead it is copied once, to {@code native/sqlite-jdbc-<version>/<os>-<arch>/}
 * of the data directory ({@code os.name} and {@code os.arch} as the JVM reports them; written to a
 * temporary name, then moved into place, so a copy is whole or absent), and sqlite-jdbc is pointed at
 * it through its {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name} properties, and at that
 * directory, not the system's, for its temporary files. The first start of a data directory picks
 * the library that fits the platform from the JVM's properties and the C library the process has
 * mapped (glibc or musl, read from {@code /proc/self/maps}), without sqlite-jdbc's probe, which runs
 * {@code uname}; a platform that mapping does not know is left to that probe. A later start finds
 * the copy by the JVM's properties alone. (Should a data directory move to a machine of the same operating system and
 * architecture but another C library, the copy does not load, and sqlite-jdbc loads its own as it
 * otherwise does.) Where those properties are set already, where sqlite-jdbc has no library for the
 * platform or the copy fails, sqlite-jdbc loads it as it otherwise does.
 */
final class SqliteNative {

  private static final System.Logger LOG = System.getLogger(SqliteNative.class.getName());
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";
  static final String TEMP_PROPERTY = "org.sqlite.tmpdir";

  private SqliteNative() {}

  /** The directory of the kept library in {@code dataDirectory}. */
  static Path directory(Path dataDirectory) {
    String platform = (System.getProperty("os.name") + "-" + System.getProperty("os.arch")).replaceAll("[^A-Za-z0-9._-]", "_");
    return dataDirectory.resolve("native").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()).resolve(platform);
  }

  /** Points sqlite-jdbc at the library in {@code dataDirectory}, copying it there first if needed. */
  static synchronized void prepare(Path dataDirectory) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return;
    }
    String name = System.mapLibraryName("sqlitejdbc");
    Path dir = directory(dataDirectory);
    Path library = dir.resolve(name);
    try {
      if (!Files.isRegularFile(library)) {
        String resource = "/org/sqlite/native/" + folder() + "/" + name;
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
          if (in == null) {
            return;
          }
          Files.createDirectories(dir);
          Path partial = Files.createTempFile(dir, name, ".partial");
          try {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } finally {
            Files.deleteIfExists(partial);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "SQLite's library is not kept in " + dir + ": " + e.getMessage());
      return;
    }
    System.setProperty(PATH_PROPERTY, dir.toString());
    System.setProperty(NAME_PROPERTY, name);
    if (System.getProperty(TEMP_PROPERTY) == null) {
      System.setProperty(TEMP_PROPERTY, dir.toString());
    }
  }

  /** sqlite-jdbc's folder of libraries for this platform, such as {@code Linux/x86_64}. */
  static String folder() {
    String os = System.getProperty("os.name", "");
    String maps = "";
    if (os.equals("Linux")) {
      try {
        maps = Files.readString(Path.of("/proc/self/maps"));
      } catch (IOException | RuntimeException e) {
        return OSInfo.getNativeLibFolderPathForCurrentOS();
      }
    }
    String folder = folder(os, System.getProperty("os.arch", ""), System.getProperty("java.vm.vendor", ""), maps);
    return folder != null ? folder : OSInfo.getNativeLibFolderPathForCurrentOS();
  }

  /**
   * The folder for an operating system, architecture and JVM vendor as the JVM names them, the
   * process's memory map telling glibc from musl on Linux; null where sqlite-jdbc's own probe must
   * decide (Android, other systems and architectures).
   */
  static String folder(String os, String arch, String vmVendor, String maps) {
    String cpu = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> null;
    };
    if (cpu == null || vmVendor.contains("Android")) {
      return null;
    }
    if (os.equals("Linux")) {
      boolean musl = maps.contains("/ld-musl-") || maps.contains("/libc.musl-");
      return (musl ? "Linux-Musl/" : "Linux/") + cpu;
    }
    if (os.startsWith("Mac")) {
      return "Mac/" + cpu;
    }
    return null;
  }
}
