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
 * directory, not the system's, for its temporary files. Only the first start of a data directory
 * asks sqlite-jdbc which of its libraries fits the platform; a later one finds the copy by the JVM's
 * properties alone. (Should a data directory move to a machine of the same operating system and
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
        String resource = "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
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
}
