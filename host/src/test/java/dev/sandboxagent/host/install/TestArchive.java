package dev.sandboxagent.host.install;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Writes the same list of entries, hostile ones included, as a tar.gz, tar.xz or zip archive. */
public final class TestArchive {

  /** The archive formats the extractor reads. */
  public enum Format {
    TAR_GZ(".tar.gz"),
    TAR_XZ(".tar.xz"),
    ZIP(".zip");

    final String suffix;

    Format(String suffix) {
      this.suffix = suffix;
    }
  }

  /** What an entry is. */
  public enum Kind {
    DIRECTORY,
    FILE,
    SYMLINK,
    HARD_LINK
  }

  /**
   * One entry, written exactly as given (no name is cleaned up).
   *
   * @param value the content of a file, the target of a link, unused for a directory
   */
  public record Entry(Kind kind, String name, String value) {
    public static Entry dir(String name) {
      return new Entry(Kind.DIRECTORY, name, null);
    }

    public static Entry file(String name, String content) {
      return new Entry(Kind.FILE, name, content);
    }

    public static Entry symlink(String name, String target) {
      return new Entry(Kind.SYMLINK, name, target);
    }

    public static Entry hardLink(String name, String target) {
      return new Entry(Kind.HARD_LINK, name, target);
    }
  }

  /** {@code a0 -> .}, {@code a1 -> a0/..}, … {@code a<n-1> -> a<n-2>/..}: each link looks inside on its own. */
  public static List<Entry> linkChain(int n) {
    List<Entry> out = new ArrayList<>();
    out.add(Entry.symlink("a0", "."));
    for (int i = 1; i < n; i++) {
      out.add(Entry.symlink("a" + i, "a" + (i - 1) + "/.."));
    }
    return out;
  }

  private TestArchive() {}

  /** Writes {@code entries} to {@code directory/<name><suffix>} and returns that path. */
  public static Path write(Path directory, String name, Format format, List<Entry> entries) throws IOException {
    Path path = directory.resolve(name + format.suffix);
    switch (format) {
      case TAR_GZ -> {
        try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(path))) {
          writeTar(out, entries);
        }
      }
      case TAR_XZ -> {
        try (OutputStream out = new XZCompressorOutputStream(Files.newOutputStream(path))) {
          writeTar(out, entries);
        }
      }
      case ZIP -> writeZip(path, entries);
    }
    return path;
  }

  private static void writeTar(OutputStream out, List<Entry> entries) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    for (Entry entry : entries) {
      TarArchiveEntry e = switch (entry.kind()) {
        case DIRECTORY -> new TarArchiveEntry(entry.name(), TarArchiveEntry.LF_DIR, true);
        case FILE -> new TarArchiveEntry(entry.name(), true);
        case SYMLINK -> new TarArchiveEntry(entry.name(), TarArchiveEntry.LF_SYMLINK, true);
        case HARD_LINK -> new TarArchiveEntry(entry.name(), TarArchiveEntry.LF_LINK, true);
      };
      byte[] content = entry.kind() == Kind.FILE ? entry.value().getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (entry.kind() == Kind.SYMLINK || entry.kind() == Kind.HARD_LINK) {
        e.setLinkName(entry.value());
      }
      e.setSize(content.length);
      e.setMode(entry.kind() == Kind.DIRECTORY ? 040755 : 0100644);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
    }
    tar.finish();
  }

  private static void writeZip(Path path, List<Entry> entries) throws IOException {
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(path)) {
      for (Entry entry : entries) {
        ZipArchiveEntry e = new ZipArchiveEntry(entry.name());
        byte[] content = switch (entry.kind()) {
          case DIRECTORY -> {
            e.setUnixMode(UnixStat.DIR_FLAG | 0755);
            yield new byte[0];
          }
          case FILE -> {
            e.setUnixMode(UnixStat.FILE_FLAG | 0644);
            yield entry.value().getBytes(StandardCharsets.UTF_8);
          }
          case SYMLINK -> {
            e.setUnixMode(UnixStat.LINK_FLAG | 0777);
            yield entry.value().getBytes(StandardCharsets.UTF_8);
          }
          case HARD_LINK -> throw new IllegalArgumentException("zip archives have no hard links");
        };
        zip.putArchiveEntry(e);
        zip.write(content);
        zip.closeArchiveEntry();
      }
    }
  }
}
