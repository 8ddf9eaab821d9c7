package dev.sandboxagent.host.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** File operations of installs: copying, searching and deleting trees, executable bits, atomic moves. */
public final class InstallFiles {

  private static final System.Logger LOG = System.getLogger(Installer.class.getName());
  private static final Set<PosixFilePermission> EXECUTABLE = EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);

  private InstallFiles() {}

  /** A failure as one line: the file system's reason and file for I/O errors, else the message. */
  static String describe(Throwable e) {
    Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
    String message = t.getMessage();
    if (t instanceof FileSystemException fse && fse.getReason() != null) {
      return "io error: " + fse.getReason() + (fse.getFile() != null ? " (" + fse.getFile() + ")" : "");
    }
    return message == null ? t.toString() : message;
  }

  /** Moves {@code from} over {@code to}, atomically where the file system can. */
  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The shallowest regular file called {@code name} under {@code tree}. */
  static Optional<Path> findByName(Path tree, String name) throws IOException {
    try (Stream<Path> files = Files.walk(tree)) {
      return files
          .filter(p -> p.getFileName().toString().equals(name))
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .min(Comparator.comparingInt(Path::getNameCount).thenComparing(Path::toString));
    }
  }

  /** Whether the file name is one of an archive the extractor reads. */
  static boolean isArchive(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    return n.endsWith(".tgz") || n.endsWith(".tar.gz") || n.endsWith(".tar") || n.endsWith(".zip")
        || n.endsWith(".tar.xz") || n.endsWith(".txz");
  }

  /** Copies the directories and regular files of {@code from} into {@code to}; links are skipped. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(dest);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
        // links in a user's directory are not followed: they could point anywhere
      }
    }
  }

  /** Makes the file readable and executable by all, writable by its owner. */
  static void makeExecutable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, EXECUTABLE);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to set
    }
  }

  /** Deletes the tree if it exists; what cannot be deleted is logged and left. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}", p, e.getMessage());
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}", root, e.getMessage());
    }
  }
}
