package dev.sandboxagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks every adapter should pass; a plugin's test extends it and says what to check:
 *
 * <pre>{@code
 * class MyAdapterConformanceTest extends AdapterConformance {
 *   protected AgentAdapter adapter() { return new MyAdapter(); }
 * }
 * }</pre>
 *
 * The translators come from the adapter's {@link AgentAdapter#newTranslator()} and the recordings
 * from {@code src/test/resources/native}, as for {@link GoldenFiles}; override either to change it.
 */
public abstract class AdapterConformance {

  /** A fresh adapter, as the host would create it. */
  protected abstract AgentAdapter adapter();

  /** Makes the adapter's translator, or null when it has none: by default its {@code newTranslator()}. */
  protected Supplier<? extends EventTranslator> translators() {
    AgentAdapter adapter = adapter();
    return adapter.newTranslator() == null ? null : adapter::newTranslator;
  }

  /** A directory of native recordings ({@code .jsonl}), or null: by default {@code src/test/resources/native}. */
  protected Path recordings() {
    Path dir = Path.of("src/test/resources/native");
    return Files.isDirectory(dir) ? dir : null;
  }

  @Test
  void describesItselfSanely() {
    AgentDescriptor descriptor = adapter().descriptor();
    assertThat(descriptor.id()).matches("[a-z0-9][a-z0-9-]*");
    assertThat(descriptor.displayName()).isNotBlank();
    assertThat(descriptor.permissionModes()).isNotEmpty();
    if (!descriptor.anyAgentMode()) {
      assertThat(descriptor.modes()).isNotEmpty();
    }
    if (!descriptor.builtin()) {
      assertThat(descriptor.binaryName()).as("the program a non-builtin agent runs").isNotBlank();
    }
    assertThat(adapter().descriptor()).as("the same description every time").isEqualTo(descriptor);
  }

  @Test
  void describesInstallSourcesForEveryPlatform() {
    for (String os : List.of("linux", "darwin")) {
      for (String arch : List.of("x64", "arm64")) {
        for (boolean musl : List.of(false, true)) {
          Platform platform = new Platform(os, arch, musl);
          assertThatCode(() -> adapter().installSources(platform)).as("install sources on %s", platform)
              .doesNotThrowAnyException();
          for (InstallSource source : adapter().installSources(platform)) {
            if (source instanceof InstallSource.Npm npm) {
              assertThat(npm.packageName()).isNotBlank();
              assertThat(npm.binaryPath()).doesNotStartWith("/").doesNotContain("..");
            } else if (source instanceof InstallSource.Download download) {
              assertThat(download.versionedUrl()).startsWith("https://").contains("{version}");
            }
          }
        }
      }
    }
  }

  /**
   * For an adapter that installs its program itself ({@link AgentAdapter#install}, no install
   * sources): installing into an empty directory gives an executable program under the
   * descriptor's binary name; installing again, with or without {@code reinstall}, keeps a working
   * program and leaves nothing else behind (no half-written or temporary files).
   */
  @Test
  void installsIdempotently(@TempDir Path installDir) throws Exception {
    AgentAdapter adapter = adapter();
    AgentDescriptor descriptor = adapter.descriptor();
    Platform platform = new Platform("linux", "x64", false);
    Assumptions.assumeTrue(!descriptor.builtin() && adapter.installSources(platform).isEmpty(),
        "the host installs this agent from its install sources");
    Path program = installDir.resolve(descriptor.binaryName());

    adapter.install(new TestInstallContext(installDir, false, null));
    assertThat(program).as("the installed program").isRegularFile().isExecutable();
    byte[] first = Files.readAllBytes(program);
    assertThat(first).as("the installed program").isNotEmpty();
    List<Path> files = listing(installDir);

    adapter.install(new TestInstallContext(installDir, false, null));
    assertThat(Files.readAllBytes(program)).as("the program after a second install").isEqualTo(first);
    assertThat(listing(installDir)).as("files after a second install").isEqualTo(files);

    adapter.install(new TestInstallContext(installDir, true, null));
    assertThat(program).as("the program after a reinstall").isRegularFile().isExecutable();
    assertThat(listing(installDir)).as("files after a reinstall").isEqualTo(files);
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.map(dir::relativize).sorted().toList();
    }
  }

  @Test
  void translatesRecordingsDeterministicallyAndKeepsTheInvariants() throws Exception {
    Supplier<? extends EventTranslator> translators = translators();
    Path dir = recordings();
    Assumptions.assumeTrue(translators != null && dir != null, "the adapter has no translator or recordings");
    TranslatorHarness harness = TranslatorHarness.of(translators);
    List<String> files = TranslatorHarness.nativeFiles(dir);
    assertThat(files).as("recordings in %s", dir).isNotEmpty();
    for (String name : files) {
      byte[] input = Files.readAllBytes(dir.resolve(name));
      assertThat(TranslatorHarness.render(harness.translate(input)))
          .as("two translators, the same recording %s", name)
          .isEqualTo(TranslatorHarness.render(harness.translate(input)));
      harness.assertResplitInvariant(input);
      harness.assertGarbageInvariant(input);
    }
  }
}
