package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Extracts {@code .tgz}/{@code .tar.gz}, {@code .tar.xz}/{@code .txz}, {@code .tar} and {@code .zip}
 * archives into a directory, keeping executable bits and symbolic links, and refusing every entry
 * that could end up outside the target.
 *
 * <p>Each entry is checked against what is on disk at that moment, before anything is created for
 * it: its path is walked one name at a time from the target, and an entry is refused when a name on
 * the way is a symbolic link (already extracted or not), when {@code ..} leaves the target, when the
 * path is absolute, or when the entry would replace a symbolic link. A symbolic link's target is
 * followed the same way, through the links already on disk, and must stay inside at every step;
 * once the archive is done, every extracted link is followed again, so that a link made to point out
 * by a later one is refused too. Hard links are not extracted. {@link ArchiveLimits} bound the bytes
 * written and the entries, counted while extracting.
 */
public final class ArchiveExtractor {

  /** The longest symbolic link target read (the usual {@code PATH_MAX}). */
  private static final int MAX_LINK_TARGET = 4096;

  /** How many links one target may go through, as the kernel's own bound on link resolution. */
  private static final int MAX_LINK_HOPS = 40;

  private final ArchiveLimits limits;

  /** An extractor with the {@linkplain ArchiveLimits#DEFAULT default limits}. */
  public ArchiveExtractor() {
    this(ArchiveLimits.DEFAULT);
  }

  public ArchiveExtractor(ArchiveLimits limits) {
    this.limits = requireNonNull(limits, "limits is null");
  }

  public ArchiveLimits limits() {
    return limits;
  }

  /** Extracts {@code archive} into {@code target} (created if needed), choosing the format by name. */
  public void extract(Path archive, Path target) throws IOException {
    String name = archive.getFileName().toString().toLowerCase(Locale.ROOT);
    Extraction extraction = new Extraction(target);
    if (name.endsWith(".zip")) {
      extraction.zip(archive);
    } else if (name.endsWith(".tgz") || name.endsWith(".tar.gz")) {
      try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
        extraction.tar(in);
      }
    } else if (name.endsWith(".txz") || name.endsWith(".tar.xz")) {
      try (InputStream in = new XZCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
        extraction.tar(in);
      }
    } else if (name.endsWith(".tar")) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
        extraction.tar(in);
      }
    } else {
      throw new IOException("unsupported archive format: " + archive.getFileName());
    }
    extraction.recheckLinks();
  }

  /** Extracts a gzip-compressed tar stream into {@code target}. */
  public void extractTarGz(InputStream in, Path target) throws IOException {
    Extraction extraction = new Extraction(target);
    extraction.tar(new GzipCompressorInputStream(in));
    extraction.recheckLinks();
  }

  /** A symbolic link this extraction created. */
  private record Link(Path path, String name, String target) {}

  /** One archive being extracted into {@code root}: the disk state checks and the budget. */
  private final class Extraction {
    private final Path root;
    private final List<Link> links = new ArrayList<>();
    private long bytes;
    private int entries;

    Extraction(Path target) throws IOException {
      Files.createDirectories(target);
      this.root = target.toRealPath();
    }

    void tar(InputStream in) throws IOException {
      TarArchiveInputStream tar = new TarArchiveInputStream(in);
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        countEntry();
        String name = entry.getName();
        if (entry.isLink()) {
          throw new UnsafeArchiveException("hard links are not extracted: " + name);
        } else if (entry.isDirectory()) {
          directory(name);
        } else if (entry.isSymbolicLink()) {
          symlink(name, entry.getLinkName());
        } else if (entry.isFile()) {
          file(name, tar, entry.getMode());
        }
        // device files, FIFOs and global headers carry nothing an agent install needs
      }
    }

    void zip(Path archive) throws IOException {
      try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
        Enumeration<ZipArchiveEntry> all = zip.getEntries();
        while (all.hasMoreElements()) {
          ZipArchiveEntry entry = all.nextElement();
          countEntry();
          String name = entry.getName();
          if (entry.isDirectory()) {
            directory(name);
          } else if (entry.isUnixSymlink()) {
            try (InputStream in = zip.getInputStream(entry)) {
              symlink(name, linkTarget(name, in));
            }
          } else {
            try (InputStream in = zip.getInputStream(entry)) {
              file(name, in, entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() : 0644);
            }
          }
        }
      }
    }

    private void directory(String name) throws IOException {
      Files.createDirectories(destination(name, true));
    }

    private void symlink(String name, String target) throws IOException {
      Path dest = destination(name, false);
      Path parent = dest.getParent();
      follow(parent, target, name, new int[1]);
      if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsafeArchiveException("symbolic link " + name + " replaces a directory");
      }
      Files.createDirectories(parent);
      Files.deleteIfExists(dest);
      Files.createSymbolicLink(dest, Path.of(target));
      links.add(new Link(dest, name, target));
    }

    private void file(String name, InputStream in, int mode) throws IOException {
      Path dest = destination(name, false);
      Files.createDirectories(dest.getParent());
      byte[] buffer = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          countBytes(n);
          out.write(buffer, 0, n);
        }
      }
      setMode(dest, mode);
    }

    /**
     * Where entry {@code name} goes. Walks the name one segment at a time over the disk as it is now
     * and refuses an absolute name, a {@code ..} that leaves the target, a segment that is a symbolic
     * link (the entry would be written through it), and a last segment that is one (the entry would
     * replace it). Nothing is created.
     */
    private Path destination(String name, boolean directory) throws IOException {
      String normalized = name.replace('\\', '/');
      if (isAbsolute(normalized)) {
        throw new UnsafeArchiveException("absolute path in archive: " + name);
      }
      List<String> segments = segments(normalized);
      Path current = root;
      for (int i = 0; i < segments.size(); i++) {
        String segment = segments.get(i);
        if (segment.equals("..")) {
          current = current.getParent();
          if (current == null || !current.startsWith(root)) {
            throw new UnsafeArchiveException("archive entry escapes the target directory: " + name);
          }
          continue;
        }
        current = current.resolve(segment);
        if (Files.isSymbolicLink(current)) {
          throw new UnsafeArchiveException(i == segments.size() - 1
              ? "archive replaces the symbolic link " + name
              : "archive writes through a symbolic link: " + name);
        }
      }
      if (!directory && current.equals(root)) {
        throw new UnsafeArchiveException("archive entry names the target directory itself: " + name);
      }
      return current;
    }

    /**
     * Where {@code target}, read from directory {@code from} (inside the root, no links on its
     * path), leads with the disk as it is now: links on the way are followed, names that do not exist
     * yet are taken as they are, and every step must stay inside the root.
     */
    private Path follow(Path from, String target, String name, int[] hops) throws IOException {
      if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
        throw new UnsafeArchiveException("symbolic link " + name + " has no valid target");
      }
      if (isAbsolute(target)) {
        throw new UnsafeArchiveException("symbolic link " + name + " points outside the target: " + target);
      }
      Path current = from;
      for (String segment : segments(target)) {
        if (segment.equals("..")) {
          current = current.getParent();
          if (current == null || !current.startsWith(root)) {
            throw new UnsafeArchiveException("symbolic link " + name + " points outside the target: " + target);
          }
          continue;
        }
        Path next = current.resolve(segment);
        if (Files.isSymbolicLink(next)) {
          if (++hops[0] > MAX_LINK_HOPS) {
            throw new UnsafeArchiveException("symbolic link " + name + " goes through more than " + MAX_LINK_HOPS
                + " links: " + target);
          }
          String through = Files.readSymbolicLink(next).toString();
          if (isAbsolute(through)) {
            throw new UnsafeArchiveException("symbolic link " + name + " points outside the target: " + target);
          }
          try {
            next = follow(current, through, name, hops);
          } catch (UnsafeArchiveException e) {
            // report the link of the archive, not one it goes through
            throw hops[0] > MAX_LINK_HOPS ? e
                : new UnsafeArchiveException("symbolic link " + name + " points outside the target: " + target);
          }
        }
        current = next;
      }
      return current;
    }

    /** Follows every extracted link again now that all links are there. */
    void recheckLinks() throws IOException {
      for (Link link : links) {
        follow(link.path().getParent(), link.target(), link.name(), new int[1]);
      }
    }

    private void countEntry() throws UnsafeArchiveException {
      if (++entries > limits.maxEntries()) {
        throw new UnsafeArchiveException("archive has more than " + limits.maxEntries() + " entries"
            + " (--max-archive-entries)");
      }
    }

    private void countBytes(int n) throws UnsafeArchiveException {
      bytes += n;
      if (bytes > limits.maxBytes()) {
        throw new UnsafeArchiveException("archive expands to more than " + limits.maxBytes() + " bytes"
            + " (--max-archive-size)");
      }
    }

    /** A zip link's target, which zip stores as the entry's content. */
    private String linkTarget(String name, InputStream in) throws IOException {
      byte[] target = in.readNBytes(MAX_LINK_TARGET + 1);
      if (target.length > MAX_LINK_TARGET) {
        throw new UnsafeArchiveException("symbolic link " + name + " has a target longer than " + MAX_LINK_TARGET
            + " bytes");
      }
      countBytes(target.length);
      return new String(target, StandardCharsets.UTF_8);
    }
  }

  private static boolean isAbsolute(String name) {
    return name.startsWith("/") || name.matches("^[A-Za-z]:.*");
  }

  /** The non-empty segments of a slash-separated name, {@code .} left out. */
  private static List<String> segments(String name) {
    List<String> out = new ArrayList<>();
    for (String segment : name.split("/")) {
      if (!segment.isEmpty() && !segment.equals(".")) {
        out.add(segment);
      }
    }
    return out;
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
}
