package dev.sandboxagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.EventTranslator;
import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks every adapter should pass; a plugin's test extends it and says what to check:
 *
 * <pre>{@code
 * class MyAdapterConformanceTest extends AdapterConformance {
 *   protected AgentAdapter adapter() { return new MyAdapter(); }
 *   protected Supplier<EventTranslator> translators() { return MyTranslator::new; }
 *   protected Path recordings() { return Path.of("src/test/resources/native"); }
 * }
 * }</pre>
 */
public abstract class AdapterConformance {

  /** A fresh adapter, as the host would create it. */
  protected abstract AgentAdapter adapter();

  /** Makes the adapter's translator, or null when it has none. */
  protected Supplier<? extends EventTranslator> translators() {
    return null;
  }

  /** A directory of native recordings ({@code .jsonl}), or null. */
  protected Path recordings() {
    return null;
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
