package dev.sandboxagent.host.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

class SqliteNativeTest {

  @TempDir Path data;
  private String path;
  private String name;
  private String temp;

  @BeforeEach
  void clearProperties() {
    path = System.clearProperty(SqliteNative.PATH_PROPERTY);
    name = System.clearProperty(SqliteNative.NAME_PROPERTY);
    temp = System.clearProperty(SqliteNative.TEMP_PROPERTY);
  }

  @AfterEach
  void restoreProperties() {
    restore(SqliteNative.PATH_PROPERTY, path);
    restore(SqliteNative.NAME_PROPERTY, name);
    restore(SqliteNative.TEMP_PROPERTY, temp);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void theLibraryIsCopiedOnceIntoTheDataDirectoryAndSqliteJdbcIsPointedAtIt() throws Exception {
    String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
    String file = System.mapLibraryName("sqlitejdbc");
    Path dir = data.resolve("native/sqlite-jdbc-" + SQLiteJDBCLoader.getVersion())
        .resolve(System.getProperty("os.name") + "-" + System.getProperty("os.arch"));

    SqliteNative.prepare(data);

    Path library = dir.resolve(file);
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream("/org/sqlite/native/" + folder + "/" + file)) {
      assertThat(Files.readAllBytes(library)).isEqualTo(in.readAllBytes());
    }
    assertThat(System.getProperty(SqliteNative.PATH_PROPERTY)).isEqualTo(dir.toString());
    assertThat(System.getProperty(SqliteNative.NAME_PROPERTY)).isEqualTo(file);
    // sqlite-jdbc's own temporary files (and its search for stale ones) stay in that directory.
    assertThat(System.getProperty(SqliteNative.TEMP_PROPERTY)).isEqualTo(dir.toString());
    try (var listing = Files.list(dir)) {
      assertThat(listing).containsExactly(library); // no partial copy left
    }

    Files.setLastModifiedTime(library, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    System.clearProperty(SqliteNative.PATH_PROPERTY);
    SqliteNative.prepare(data);
    assertThat(Files.getLastModifiedTime(library).toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
  }

  @Test
  void aLibraryPathTheUserSetIsKept() {
    System.setProperty(SqliteNative.PATH_PROPERTY, "/opt/sqlite");

    SqliteNative.prepare(data);

    assertThat(System.getProperty(SqliteNative.PATH_PROPERTY)).isEqualTo("/opt/sqlite");
    assertThat(System.getProperty(SqliteNative.TEMP_PROPERTY)).isNull();
    assertThat(data.resolve("native")).doesNotExist();
  }

  @Test
  void aDataDirectoryThatCannotHoldItLeavesSqliteJdbcToItsOwnWay() throws Exception {
    Path notADirectory = Files.writeString(data.resolve("file"), "x");

    SqliteNative.prepare(notADirectory);

    assertThat(System.getProperty(SqliteNative.PATH_PROPERTY)).isNull();
  }

  @Test
  void thePlatformsFolderIsTheOneSqliteJdbcsProbeFinds() {
    assertThat(SqliteNative.folder()).isEqualTo(OSInfo.getNativeLibFolderPathForCurrentOS());
  }

  @Test
  void theFolderFollowsTheSystemTheArchitectureAndTheCLibrary() {
    String glibc = "7f00-7f01 r-xp 00000000 fe:01 123 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
    String musl = "7f00-7f01 r-xp 00000000 fe:01 123 /lib/ld-musl-x86_64.so.1\n";
    assertThat(SqliteNative.folder("Linux", "amd64", "Eclipse Adoptium", glibc)).isEqualTo("Linux/x86_64");
    assertThat(SqliteNative.folder("Linux", "aarch64", "Oracle Corporation", glibc)).isEqualTo("Linux/aarch64");
    assertThat(SqliteNative.folder("Linux", "amd64", "Alpine", musl)).isEqualTo("Linux-Musl/x86_64");
    assertThat(SqliteNative.folder("Mac OS X", "aarch64", "Homebrew", "")).isEqualTo("Mac/aarch64");
    // left to sqlite-jdbc's probe
    assertThat(SqliteNative.folder("Linux", "arm", "Raspbian", glibc)).isNull();
    assertThat(SqliteNative.folder("Linux", "aarch64", "The Android Project", glibc)).isNull();
    assertThat(SqliteNative.folder("Windows 11", "amd64", "Microsoft", "")).isNull();
  }
}
