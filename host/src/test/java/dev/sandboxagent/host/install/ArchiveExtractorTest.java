package dev.sandboxagent.host.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives built on the fly: what is kept, and every way out of the target that is refused. */
class ArchiveExtractorTest {

  @TempDir Path tmp;

  /** A tar.gz under construction. */
  private final class Tgz implements AutoCloseable {
    final Path path;
    final TarArchiveOutputStream tar;

    Tgz(String name) throws IOException {
      path = tmp.resolve(name);
      OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(path));
      tar = new TarArchiveOutputStream(out);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    Tgz file(String name, String content, int mode) throws IOException {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name, true);
      e.setSize(bytes.length);
      e.setMode(mode);
      tar.putArchiveEntry(e);
      tar.write(bytes);
      tar.closeArchiveEntry();
      return this;
    }

    Tgz link(String name, String target, byte type) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(name, type);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return this;
    }

    @Override
    public void close() throws IOException {
      tar.close();
    }
  }

  private Path target() {
    return tmp.resolve("out");
  }

  @Test
  void extractsXzCompressedTarballs() throws Exception {
    Path archive = tmp.resolve("agent.tar.xz");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
        new org.apache.commons.compress.compressors.xz.XZCompressorOutputStream(Files.newOutputStream(archive)))) {
      byte[] content = "#!/bin/sh\necho xz\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry("dist/agent");
      entry.setMode(0755);
      entry.setSize(content.length);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    }
    new ArchiveExtractor().extract(archive, tmp.resolve("out-xz"));
    assertThat(Files.readString(tmp.resolve("out-xz/dist/agent"))).isEqualTo("#!/bin/sh\necho xz\n");
    assertThat(Files.isExecutable(tmp.resolve("out-xz/dist/agent"))).isTrue();
  }

  @Test
  void extractsFilesModesAndInsideLinks() throws Exception {
    Path archive;
    try (Tgz t = new Tgz("ok.tgz")) {
      t.file("package/bin/agent", "#!/bin/sh\necho hi\n", 0755)
          .file("package/README.md", "readme", 0644)
          .link("package/agent-link", "bin/agent", TarArchiveEntry.LF_SYMLINK);
      archive = t.path;
    }
    new ArchiveExtractor().extract(archive, target());
    Path agent = target().resolve("package/bin/agent");
    assertThat(Files.readString(agent)).startsWith("#!/bin/sh");
    assertThat(Files.isExecutable(agent)).isTrue();
    assertThat(Files.isExecutable(target().resolve("package/README.md"))).isFalse();
    assertThat(Files.isSymbolicLink(target().resolve("package/agent-link"))).isTrue();
    assertThat(Files.readString(target().resolve("package/agent-link"))).isEqualTo(Files.readString(agent));
  }

  @Test
  void refusesParentSegmentsAbsolutePathsAndHardLinks() throws Exception {
    for (String name : new String[] {"../evil", "package/../../evil", "/tmp/evil", "C:\\evil"}) {
      Path archive;
      try (Tgz t = new Tgz("slip.tgz")) {
        t.file(name, "x", 0644);
        archive = t.path;
      }
      assertThatThrownBy(() -> new ArchiveExtractor().extract(archive, target()))
          .as(name).isInstanceOf(UnsafeArchiveException.class);
    }
    assertThat(tmp.resolve("evil")).doesNotExist();
    Path hard;
    try (Tgz t = new Tgz("hard.tgz")) {
      t.link("package/h", "/etc/passwd", TarArchiveEntry.LF_LINK);
      hard = t.path;
    }
    assertThatThrownBy(() -> new ArchiveExtractor().extract(hard, target())).hasMessageContaining("hard links");
  }

  @Test
  void refusesLinksThatPointOutAndWritesThroughLinks() throws Exception {
    Files.createDirectories(tmp.resolve("outside"));
    for (String linkTarget : new String[] {"../../outside", "/etc", "../.."}) {
      Path archive;
      try (Tgz t = new Tgz("link.tgz")) {
        t.link("package/escape", linkTarget, TarArchiveEntry.LF_SYMLINK);
        archive = t.path;
      }
      assertThatThrownBy(() -> new ArchiveExtractor().extract(archive, target()))
          .as(linkTarget).hasMessageContaining("points outside");
    }
    // A link that is fine by itself, then a file written through a link planted beforehand.
    Files.createDirectories(target().resolve("package"));
    Files.createSymbolicLink(target().resolve("package/dir"), tmp.resolve("outside"));
    Path through;
    try (Tgz t = new Tgz("through.tgz")) {
      t.file("package/dir/pwned", "x", 0644);
      through = t.path;
    }
    assertThatThrownBy(() -> new ArchiveExtractor().extract(through, target()))
        .hasMessageContaining("through a symbolic link");
    assertThat(tmp.resolve("outside/pwned")).doesNotExist();
  }

  @Test
  void zipKeepsUnixModesAndRefusesSlips() throws Exception {
    Path zip = tmp.resolve("a.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
      ZipArchiveEntry bin = new ZipArchiveEntry("opencode");
      bin.setUnixMode(0100755);
      out.putArchiveEntry(bin);
      out.write("binary".getBytes(StandardCharsets.UTF_8));
      out.closeArchiveEntry();
    }
    new ArchiveExtractor().extract(zip, target());
    assertThat(Files.isExecutable(target().resolve("opencode"))).isTrue();

    Path slip = tmp.resolve("slip.zip");
    try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(slip)) {
      out.putArchiveEntry(new ZipArchiveEntry("../../zip-evil"));
      out.write(1);
      out.closeArchiveEntry();
    }
    assertThatThrownBy(() -> new ArchiveExtractor().extract(slip, target()))
        .isInstanceOf(UnsafeArchiveException.class);
    assertThat(tmp.getParent().resolve("zip-evil")).doesNotExist();
  }

  @Test
  void boundsSizeAndEntryCount() throws Exception {
    Path archive;
    try (Tgz t = new Tgz("big.tgz")) {
      t.file("a", "0123456789".repeat(100), 0644).file("b", "x", 0644).file("c", "y", 0644);
      archive = t.path;
    }
    assertThatThrownBy(() -> new ArchiveExtractor(500, 100).extract(archive, tmp.resolve("o1")))
        .hasMessageContaining("more than 500 bytes");
    assertThatThrownBy(() -> new ArchiveExtractor(10_000, 2).extract(archive, tmp.resolve("o2")))
        .hasMessageContaining("more than 2 entries");
    assertThatThrownBy(() -> new ArchiveExtractor().extract(tmp.resolve("x.rar"), tmp.resolve("o3")))
        .hasMessageContaining("unsupported archive format");
  }
}
