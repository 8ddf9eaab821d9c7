package dev.sandboxagent.host.install;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Extracts {@code .tgz}/{@code .tar.gz}, {@code .tar} and {@code .zip} archives into a directory,
 * keeping executable bits and symbolic links, and refusing every entry that would end up outside
 * the target: {@code ..} segments, absolute paths, links that point out, files written through a
 * link, hard links. Sizes and entry counts are bounded so that a hostile archive cannot fill the
 * disk.
 */
public final class ArchiveExtractor {

  /** Default bounds: 4 GiB of content and 200,000 entries. */
  public static final long DEFAULT_MAX_BYTES = 4L << 30;

  public static final int DEFAULT_MAX_ENTRIES = 200_000;

  private final long maxBytes;
  private final int maxEntries;

  public ArchiveExtractor() {
    this(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);
  }

  public ArchiveExtractor(long maxBytes, int maxEntries) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /** Extracts {@code archive} into {@code target} (created if needed), choosing the format by name. */
  public void extract(Path archive, Path target) throws IOException {
    String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
    Files.createDirectories(target);
    Path root = target.toRealPath();
    Budget budget = new Budget();
    if (name.endsWith(".zip")) {
      extractZip(archive, root, budget);
    } else if (name.endsWith(".tgz") || name.endsWith(".tar.gz")) {
      try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
        extractTar(in, root, budget);
      }
    } else if (name.endsWith(".txz") || name.endsWith(".tar.xz")) {
      try (InputStream in = new XZCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
        extractTar(in, root, budget);
      }
    } else if (name.endsWith(".tar")) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
        extractTar(in, root, budget);
      }
    } else {
      throw new IOException("unsupported archive format: " + archive.getFileName());
    }
  }

  /** Extracts a gzip-compressed tar stream into {@code target}. */
  public void extractTarGz(InputStream in, Path target) throws IOException {
    Files.createDirectories(target);
    extractTar(new GzipCompressorInputStream(in), target.toRealPath(), new Budget());
  }

  private void extractTar(InputStream in, Path root, Budget budget) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      budget.entry();
      Path dest = resolve(root, entry.getName());
      if (entry.isDirectory()) {
        Files.createDirectories(dest);
      } else if (entry.isSymbolicLink()) {
        symlink(root, dest, entry.getName(), entry.getLinkName());
      } else if (entry.isLink()) {
        throw new UnsafeArchiveException("hard links are not extracted: " + entry.getName());
      } else if (entry.isFile()) {
        write(root, dest, tar, entry.getMode(), budget);
      }
      // device files, FIFOs and global headers carry nothing an agent install needs
    }
  }

  private void extractZip(Path archive, Path root, Budget budget) throws IOException {
    try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
      Enumeration<ZipArchiveEntry> entries = zip.getEntries();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry entry = entries.nextElement();
        budget.entry();
        Path dest = resolve(root, entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(dest);
        } else if (entry.isUnixSymlink()) {
          symlink(root, dest, entry.getName(), zip.getUnixSymlink(entry));
        } else {
          try (InputStream in = zip.getInputStream(entry)) {
            write(root, dest, in, entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0644,
                budget);
          }
        }
      }
    }
  }

  /** The entry's path inside {@code root}; refuses absolute paths and escapes. */
  static Path resolve(Path root, String name) throws UnsafeArchiveException {
    String normalized = name.replace('\\', '/');
    if (normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")) {
      throw new UnsafeArchiveException("absolute path in archive: " + name);
    }
    Path dest = root.resolve(normalized).normalize();
    if (!dest.startsWith(root)) {
      throw new UnsafeArchiveException("archive entry escapes the target directory: " + name);
    }
    return dest;
  }

  private static void symlink(Path root, Path dest, String name, String linkTarget) throws IOException {
    if (linkTarget == null || linkTarget.isEmpty() || linkTarget.startsWith("/")) {
      throw new UnsafeArchiveException("symbolic link " + name + " points outside the target: " + linkTarget);
    }
    Path resolved = dest.getParent().resolve(linkTarget).normalize();
    if (!resolved.startsWith(root)) {
      throw new UnsafeArchiveException("symbolic link " + name + " points outside the target: " + linkTarget);
    }
    checkParentInside(root, dest, name);
    Files.deleteIfExists(dest);
    Files.createSymbolicLink(dest, Path.of(linkTarget));
  }

  private void write(Path root, Path dest, InputStream in, int mode, Budget budget) throws IOException {
    checkParentInside(root, dest, dest.toString());
    if (Files.isSymbolicLink(dest)) {
      throw new UnsafeArchiveException("archive writes through a symbolic link: " + root.relativize(dest));
    }
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        budget.bytes(n);
        out.write(buffer, 0, n);
      }
    }
    setMode(dest, mode);
  }

  /** Creates the parent directories and checks that, links resolved, they are still inside root. */
  private static void checkParentInside(Path root, Path dest, String name) throws IOException {
    Path parent = dest.getParent();
    Files.createDirectories(parent);
    if (!parent.toRealPath().startsWith(root)) {
      throw new UnsafeArchiveException("archive writes through a symbolic link: " + name);
    }
  }

  private static void setMode(Path file, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    if ((mode & 0111) != 0) {
      perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_EXECUTE));
    }
    try {
      Files.setPosixFilePermissions(file, perms);
    } catch (UnsupportedOperationException e) {
      file.toFile().setExecutable((mode & 0111) != 0);
    }
  }

  private final class Budget {
    private long bytes;
    private int entries;

    void entry() throws UnsafeArchiveException {
      if (++entries > maxEntries) {
        throw new UnsafeArchiveException("archive has more than " + maxEntries + " entries");
      }
    }

    void bytes(long n) throws UnsafeArchiveException {
      bytes += n;
      if (bytes > maxBytes) {
        throw new UnsafeArchiveException("archive expands to more than " + maxBytes + " bytes");
      }
    }
  }
}
