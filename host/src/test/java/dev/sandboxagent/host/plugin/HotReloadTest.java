package dev.sandboxagent.host.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotReloadTest {

  @TempDir Path tmp;

  private Path jar(String name, String version) throws Exception {
    String pkg = "org.example." + name + version.replace('.', '_');
    return new PluginJarBuilder(tmp.resolve("build-" + name + version))
        .source(pkg + ".EchoAdapter", PluginJarBuilder.echoAdapter(pkg, name, ""))
        .manifest("Plugin-Id", name + "-plugin").manifest("Plugin-Version", version)
        .manifest("Plugin-Requires", ">=1.0.0 & <2.0.0")
        .build(tmp.resolve("built").resolve(name + version + ".jar"));
  }

  /** Copies the JAR into the directory, dated a minute ago so that it has settled. */
  private static void drop(Path jar, Path target) throws Exception {
    Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(target, FileTime.from(Instant.now().minusSeconds(60)));
  }

  @Test
  void scansReportAddedReplacedAndRemovedFiles() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    drop(jar("echo", "1.0.0"), plugins.resolve("echo.jar"));
    try (HotReload reload = new HotReload(plugins)) {
      HotReload.Scan first = reload.scan(true);
      assertThat(first.changes().added()).containsExactly("echo.jar");
      assertThat(first.files()).singleElement().extracting(AdapterRegistry.PluginFile::version).isEqualTo("1.0.0");

      assertThat(reload.scan(true).changes()).isEqualTo(new AdapterRegistry.Rescan(
          List.of(), List.of(), List.of(), List.of()));

      drop(jar("echo", "1.1.0"), plugins.resolve("echo.jar"));
      HotReload.Scan replaced = reload.scan(true);
      assertThat(replaced.changes().replaced()).containsExactly("echo.jar");
      assertThat(replaced.files()).singleElement().extracting(AdapterRegistry.PluginFile::version).isEqualTo("1.1.0");

      Files.delete(plugins.resolve("echo.jar"));
      HotReload.Scan removed = reload.scan(true);
      assertThat(removed.changes().removed()).containsExactly("echo.jar");
      assertThat(removed.files()).isEmpty();
    }
  }

  @Test
  void aFileStillBeingWrittenIsLeftPendingUntilItSettles() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(jar("echo", "1.0.0"), plugins.resolve("echo.jar"));
    // dated ahead, as a file being written stays recent however slowly the scan comes
    Files.setLastModifiedTime(plugins.resolve("echo.jar"), FileTime.from(Instant.now().plusSeconds(60)));
    try (HotReload reload = new HotReload(plugins)) {
      HotReload.Scan pending = reload.scan(true);
      assertThat(pending.changes().pending()).containsExactly("echo.jar");
      assertThat(pending.files()).isEmpty();

      assertThat(reload.scan(false).changes().added()).containsExactly("echo.jar");
    }
  }
}
