package dev.sandboxagent.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The shipped plugin jars load as pf4j plugins: each carries its manifest descriptor and extension
 * index, and none bundles a class the host already provides (a second copy of the SPI makes pf4j
 * skip the extension or fail with a ClassCastException).
 */
class PluginArtifactsIT {

  private static final List<String> AGENTS = List.of("acp", "amp", "claude", "codex", "mock", "opencode");
  private static final List<String> HOST_PROVIDED = List.of("dev/sandboxagent/api/", "org/pf4j/", "com/fasterxml/jackson/");

  @Test
  void shipsOnePluginPerAgent() throws IOException {
    List<Path> jars = Dist.files("plugins");
    assertThat(jars).allSatisfy(jar -> assertThat(jar.getFileName().toString()).endsWith(".jar"));
    List<String> ids = new ArrayList<>();
    for (Path jar : jars) {
      try (JarFile file = new JarFile(jar.toFile())) {
        Manifest manifest = file.getManifest();
        ids.add(manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id"));
      }
    }
    assertThat(ids).containsExactlyInAnyOrderElementsOf(AGENTS);
  }

  @TestFactory
  List<DynamicTest> pluginJarsHoldNoHostClasses() {
    return forEachPlugin(file -> assertThat(file.stream().map(JarEntry::getName))
        .as("entries of %s that the host provides", file.getName())
        .filteredOn(name -> HOST_PROVIDED.stream().anyMatch(name::startsWith))
        .isEmpty());
  }

  @TestFactory
  List<DynamicTest> pluginJarsHaveAPf4jDescriptor() {
    return forEachPlugin(file -> {
      Manifest manifest = file.getManifest();
      assertThat(manifest).as("manifest of %s", file.getName()).isNotNull();
      Attributes attributes = manifest.getMainAttributes();
      assertThat(attributes.getValue("Plugin-Id")).as("Plugin-Id").isNotBlank();
      assertThat(attributes.getValue("Plugin-Version")).as("Plugin-Version").matches("\\d+\\.\\d+\\.\\d+");
      // A range with an upper bound: a bare version would let pf4j load the plugin into SPI 2.x.
      assertThat(attributes.getValue("Plugin-Requires")).as("Plugin-Requires").matches(">=\\S+ & <\\S+");
    });
  }

  @TestFactory
  List<DynamicTest> pluginJarsIndexTheirExtensions() {
    return forEachPlugin(file -> {
      JarEntry index = file.getJarEntry("META-INF/extensions.idx");
      assertThat(index).as("META-INF/extensions.idx in %s", file.getName()).isNotNull();
      List<String> extensions;
      try (InputStream in = file.getInputStream(index)) {
        extensions = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
      }
      assertThat(extensions).as("extensions listed in %s", file.getName()).isNotEmpty();
      assertThat(extensions).allSatisfy(name -> assertThat(file.getJarEntry(name.replace('.', '/') + ".class"))
          .as("class of extension %s in %s", name, file.getName())
          .isNotNull());
    });
  }

  @Test
  void libHoldsNoPluginJar() throws IOException {
    List<String> pluginNames = Dist.files("plugins").stream().map(jar -> jar.getFileName().toString()).toList();
    for (Path jar : Dist.files("lib").stream().filter(f -> f.toString().endsWith(".jar")).toList()) {
      String name = jar.getFileName().toString();
      assertThat(name).as("jar in lib/").isNotIn(pluginNames).doesNotMatch("sandbox-agent-plugin-(?!api-).*");
      try (JarFile file = new JarFile(jar.toFile())) {
        Manifest manifest = file.getManifest();
        if (manifest != null) {
          assertThat(manifest.getMainAttributes().getValue("Plugin-Id")).as("Plugin-Id of lib/%s", name).isNull();
        }
      }
    }
    assertThat(Dist.files("lib")).extracting(jar -> jar.getFileName().toString())
        .contains("sandbox-agent-host-" + Dist.version() + ".jar", "sandbox-agent-plugin-api-" + Dist.version() + ".jar");
  }

  private static List<DynamicTest> forEachPlugin(JarCheck check) {
    List<Path> jars = Dist.files("plugins");
    assertThat(jars).as("plugin jars").isNotEmpty();
    return jars.stream()
        .map(jar -> DynamicTest.dynamicTest(jar.getFileName().toString(), () -> {
          try (JarFile file = new JarFile(jar.toFile())) {
            check.accept(file);
          }
        }))
        .toList();
  }

  @FunctionalInterface
  private interface JarCheck {
    void accept(JarFile file) throws IOException;
  }
}
