package dev.sandboxagent.host.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sandboxagent.host.install.TestArchive.Entry;
import dev.sandboxagent.host.install.TestArchive.Format;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
    assertThatThrownBy(() -> new ArchiveExtractor(new ArchiveLimits(500, 100)).extract(archive, tmp.resolve("o1")))
        .hasMessageContaining("more than 500 bytes");
    assertThatThrownBy(() -> new ArchiveExtractor(new ArchiveLimits(10_000, 2)).extract(archive, tmp.resolve("o2")))
        .hasMessageContaining("more than 2 entries");
    assertThatThrownBy(() -> new ArchiveExtractor().extract(tmp.resolve("x.rar"), tmp.resolve("o3")))
        .hasMessageContaining("unsupported archive format");
  }

  /** A target five levels below {@code tmp}, so that a chain of five {@code ..} links lands inside the test's directory. */
  private Path deepTarget() throws IOException {
    return Files.createDirectories(tmp.resolve("w/x/y/z/q/out"));
  }

  /** Everything under {@code tmp} but outside {@code target}, links included and not followed. */
  private Set<String> outside(Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(tmp)) {
      return paths.filter(p -> !p.startsWith(target)).map(p -> tmp.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static List<Entry> with(List<Entry> head, Entry... tail) {
    List<Entry> out = new ArrayList<>(head);
    out.addAll(List.of(tail));
    return out;
  }

  /** Extracts into an emptied {@code target}: refused with {@code message}, and nothing outside changed. */
  private void assertRefusedCreatingNothingOutside(Path archive, Path target, String message) throws IOException {
    InstallFiles.deleteTree(target);
    Files.createDirectories(target);
    Set<String> before = outside(target);
    assertThatThrownBy(() -> new ArchiveExtractor().extract(archive, target))
        .as(archive.getFileName().toString())
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining(message);
    assertThat(outside(target)).as(archive.getFileName().toString()).isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void chainsOfLinksThatEachLookInsideCannotCreateAnythingOutside(Format format) throws Exception {
    Path target = deepTarget();
    Path archives = Files.createDirectories(tmp.resolve("archives"));
    List<Entry> chain = TestArchive.linkChain(6);
    Path dir = TestArchive.write(archives, "chain-dir", format, with(chain, Entry.dir("a5/ESCAPED/")));
    Path file = TestArchive.write(archives, "chain-file", format, with(chain, Entry.file("a5/Y/f", "x")));
    assertRefusedCreatingNothingOutside(dir, target, "symbolic link a1 points outside the target: a0/..");
    assertRefusedCreatingNothingOutside(file, target, "symbolic link a1 points outside the target: a0/..");
    assertThat(tmp.resolve("w/ESCAPED")).doesNotExist();
    assertThat(tmp.resolve("w/Y")).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aLinkThatALaterLinkTurnsOutwardIsRefused(Format format) throws Exception {
    Path target = deepTarget();
    Path archives = Files.createDirectories(tmp.resolve("archives"));
    // "b -> c/.." is inside while c does not exist; "c -> ." then makes b the target's parent.
    List<Entry> turned = List.of(Entry.symlink("b", "c/.."), Entry.symlink("c", "."));
    Path written = TestArchive.write(archives, "turned-write", format, with(turned, Entry.dir("b/ESCAPED/")));
    Path kept = TestArchive.write(archives, "turned-kept", format, turned);
    assertRefusedCreatingNothingOutside(written, target, "through a symbolic link: b/ESCAPED/");
    assertRefusedCreatingNothingOutside(kept, target, "symbolic link b points outside the target: c/..");
    assertThat(tmp.resolve("w/x/y/z/q/ESCAPED")).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void loopsOfLinksAreRefusedOnceAllLinksAreThere(Format format) throws Exception {
    Path target = deepTarget();
    Path archives = Files.createDirectories(tmp.resolve("archives"));
    assertRefusedCreatingNothingOutside(
        TestArchive.write(archives, "loop", format, List.of(Entry.symlink("l1", "l2"), Entry.symlink("l2", "l1/x"))),
        target, "symbolic link l1 goes through more than 40 links: l2");
    assertRefusedCreatingNothingOutside(
        TestArchive.write(archives, "self", format, List.of(Entry.symlink("self", "self"))),
        target, "symbolic link self goes through more than 40 links: self");
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void entriesNeitherGoThroughNorReplaceExtractedLinks(Format format) throws Exception {
    Path target = deepTarget();
    Path archives = Files.createDirectories(tmp.resolve("archives"));
    List<Entry> linked = List.of(Entry.dir("sub/"), Entry.symlink("d", "sub"));
    assertRefusedCreatingNothingOutside(
        TestArchive.write(archives, "through", format, with(linked, Entry.file("d/f", "x"))),
        target, "archive writes through a symbolic link: d/f");
    assertRefusedCreatingNothingOutside(
        TestArchive.write(archives, "through-dir", format, with(linked, Entry.dir("d/e/"))),
        target, "archive writes through a symbolic link: d/e/");
    assertRefusedCreatingNothingOutside(
        TestArchive.write(archives, "replace-file", format, with(linked, Entry.file("d", "x"))),
        target, "archive replaces the symbolic link d");
    assertRefusedCreatingNothingOutside(
        TestArchive.write(archives, "replace-link", format, with(linked, Entry.symlink("d", "sub/.."))),
        target, "archive replaces the symbolic link d");
    assertRefusedCreatingNothingOutside(
        TestArchive.write(archives, "replace-dir", format, with(linked, Entry.dir("d/"))),
        target, "archive replaces the symbolic link d/");
    assertThat(target.resolve("sub")).isEmptyDirectory();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void absoluteAndOutwardLinkTargetsAreRefused(Format format) throws Exception {
    Path target = deepTarget();
    Path archives = Files.createDirectories(tmp.resolve("archives"));
    int n = 0;
    for (String linkTarget : new String[] {"/etc", "/", "//tmp", "..", "sub/../..", "./../out/../../q"}) {
      Path archive = TestArchive.write(archives, "abs" + n++, format,
          List.of(Entry.dir("sub/"), Entry.symlink("sub/l", linkTarget.startsWith("/") ? linkTarget : "../" + linkTarget),
              Entry.file("sub/l/pwned", "x")));
      assertRefusedCreatingNothingOutside(archive, target, "points outside the target");
    }
    assertThat(Path.of("/etc/pwned")).doesNotExist();
  }

  @ParameterizedTest
  @EnumSource(value = Format.class, names = {"TAR_GZ", "TAR_XZ"})
  void hardLinksAreRefusedWhereverTheyPoint(Format format) throws Exception {
    Path target = deepTarget();
    Path secret = Files.writeString(tmp.resolve("w/x/y/z/q/secret"), "secret");
    Path archives = Files.createDirectories(tmp.resolve("archives"));
    for (String linkTarget : new String[] {"a0/../secret", "../secret", "/etc/passwd", "inside"}) {
      List<Entry> entries = List.of(Entry.symlink("a0", "."), Entry.file("inside", "x"),
          Entry.hardLink("h", linkTarget), Entry.file("h", "pwned"));
      assertRefusedCreatingNothingOutside(TestArchive.write(archives, "hard", format, entries), target,
          "hard links are not extracted: h");
    }
    assertThat(secret).hasContent("secret");
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void sizeBombsAreStoppedWhileExtracting(Format format) throws Exception {
    Path archive = TestArchive.write(tmp, "bomb", format, List.of(Entry.file("bomb", "\0".repeat(1 << 20))));
    Path target = tmp.resolve("out-" + format);
    assertThatThrownBy(() -> new ArchiveExtractor(new ArchiveLimits(64 << 10, 100)).extract(archive, target))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessage("archive expands to more than 65536 bytes (--max-archive-size)");
    assertThat(Files.size(target.resolve("bomb"))).isLessThanOrEqualTo(64 << 10);
  }

  @Test
  void zipSizesAreCountedAsWrittenNotAsDeclared() throws Exception {
    Path archive = TestArchive.write(tmp, "liar", Format.ZIP, List.of(Entry.file("bomb", "\0".repeat(1 << 20))));
    byte[] bytes = Files.readAllBytes(archive);
    // Both the local header and the central directory claim 10 bytes of uncompressed content.
    int patched = 0;
    for (int i = 0; i + 4 <= bytes.length; i++) {
      int sig = (bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff) << 16 | (bytes[i + 3] & 0xff) << 24;
      int at = sig == 0x04034b50 ? i + 22 : sig == 0x02014b50 ? i + 24 : -1;
      if (at > 0) {
        bytes[at] = 10;
        bytes[at + 1] = 0;
        bytes[at + 2] = 0;
        bytes[at + 3] = 0;
        patched++;
      }
    }
    assertThat(patched).isEqualTo(2);
    Files.write(archive, bytes);
    Path target = tmp.resolve("out-liar");
    assertThatThrownBy(() -> new ArchiveExtractor(new ArchiveLimits(64 << 10, 100)).extract(archive, target))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessageContaining("more than 65536 bytes");
    assertThat(Files.size(target.resolve("bomb"))).isLessThanOrEqualTo(64 << 10);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void entryCountBombsAreStoppedWhileExtracting(Format format) throws Exception {
    List<Entry> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(Entry.file("f" + i, ""));
    }
    Path archive = TestArchive.write(tmp, "many", format, many);
    Path target = tmp.resolve("out-" + format);
    assertThatThrownBy(() -> new ArchiveExtractor(new ArchiveLimits(1 << 20, 10)).extract(archive, target))
        .isInstanceOf(UnsafeArchiveException.class)
        .hasMessage("archive has more than 10 entries (--max-archive-entries)");
    try (Stream<Path> files = Files.list(target)) {
      assertThat(files.count()).isEqualTo(10);
    }
  }
}
