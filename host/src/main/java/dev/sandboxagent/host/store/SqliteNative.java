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
 * left behind by a daemon that is killed). Instead it is copied once, to {@code
 * native/sqlite-jdbc-<version>/<os>/<arch>/} of the data directory (written to a temporary name,
 * then moved into place, so a copy is whole or absent), and sqlite-jdbc is pointed at it through its
 * {@code org.sqlite.lib.path} and {@code org.sqlite.lib.name} properties. Where those are set
 * already, where sqlite-jdbc has no library for the platform or the copy fails, sqlite-jdbc loads
 * it as it otherwise does.
 */
final class SqliteNative {

  private static final System.Logger LOG = System.getLogger(SqliteNative.class.getName());
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";

  private SqliteNative() {}

  /** Points sqlite-jdbc at the library in {@code dataDirectory}, copying it there first if needed. */
  static synchronized void prepare(Path dataDirectory) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return;
    }
    String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
    String name = System.mapLibraryName("sqlitejdbc");
    String resource = "/org/sqlite/native/" + folder + "/" + name;
    Path dir = dataDirectory.resolve("native").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()).resolve(folder);
    Path library = dir.resolve(name);
    try {
      if (!Files.isRegularFile(library)) {
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
  }
}
