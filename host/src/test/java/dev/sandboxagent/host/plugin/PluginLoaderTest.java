package dev.sandboxagent.host.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.Spi;
import dev.sandboxagent.host.plugin.AdapterRegistry.PluginFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

  @TempDir Path tmp;

  private Path jar(String name, String requires) throws Exception {
    String pkg = "org.example." + name;
    return new PluginJarBuilder(tmp.resolve("build-" + name))
        .source(pkg + ".EchoAdapter", PluginJarBuilder.echoAdapter(pkg, name, ""))
        .manifest("Plugin-Id", name + "-plugin").manifest("Plugin-Version", "1.0.0").manifest("Plugin-Requires", requires)
        .build(Files.createDirectories(tmp.resolve("plugins")).resolve(name + ".jar"));
  }

  @Test
  void aPluginFileIsLoadedFromAPrivateCopyWithItsAdapters() throws Exception {
    Path file = jar("echo", ">=1.0.0 & <2.0.0");
    try (PluginLoader loader = new PluginLoader(file.getParent())) {
      PluginFile loaded = loader.load(file, 1, 2);

      assertThat(loaded.error()).isNull();
      assertThat(loaded.pluginId()).isEqualTo("echo-plugin");
      assertThat(loaded.version()).isEqualTo("1.0.0");
      assertThat(loaded.agents()).extracting(LoadedAgent::id).containsExactly("echo");
      assertThat(loaded.manager()).isNotNull();
      Files.delete(file);
      assertThat(loaded.agents().getFirst().adapter().descriptor().id()).isEqualTo("echo");
      PluginLoader.stop(loaded.manager());
    }
  }

  @Test
  void aPluginForAnotherSpiIsRefusedWithTheRanges() throws Exception {
    Path file = jar("future", ">=2.0.0 & <3.0.0");
    try (PluginLoader loader = new PluginLoader(file.getParent())) {
      PluginFile loaded = loader.load(file, 1, 2);

      assertThat(loaded.pluginId()).isEqualTo("future-plugin");
      assertThat(loaded.agents()).isEmpty();
      assertThat(loaded.manager()).isNull();
      assertThat(loaded.error()).isEqualTo("requires SPI >=2.0.0 & <3.0.0 but this host provides SPI " + Spi.version());
    }
  }

  @Test
  void aFileThatIsNoJarIsReportedNotThrown() throws Exception {
    Path file = Files.writeString(Files.createDirectories(tmp.resolve("plugins")).resolve("garbage.jar"), "not a zip");
    try (PluginLoader loader = new PluginLoader(file.getParent())) {
      PluginFile loaded = loader.load(file, 9, 2);

      assertThat(loaded.path()).isEqualTo(file);
      assertThat(loaded.size()).isEqualTo(9);
      assertThat(loaded.error()).isNotBlank();
      assertThat(loaded.manager()).isNull();
    }
  }
}
