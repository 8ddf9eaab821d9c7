package dev.sandboxagent.plugins.codex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published package names and vendor locations, per platform: npm first, then the vendor. */
class CodexAdapterInstallSourcesTest {

  private final CodexAdapter adapter = new CodexAdapter();

  @Test
  void namesThePlatformPackageAndTheVendorArtifact() {
    List<InstallSource> sources;
    sources = adapter.installSources(new Platform("linux", "x64", false));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@openai/codex", "@openai/codex-linux-x64", "vendor/x86_64-unknown-linux-musl/bin/codex"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://github.com/openai/codex/releases/download/{version}/codex-x86_64-unknown-linux-musl.tar.gz");
    sources = adapter.installSources(new Platform("linux", "arm64", true));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@openai/codex", "@openai/codex-linux-arm64", "vendor/aarch64-unknown-linux-musl/bin/codex"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://github.com/openai/codex/releases/download/{version}/codex-aarch64-unknown-linux-musl.tar.gz");
    sources = adapter.installSources(new Platform("darwin", "arm64", false));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@openai/codex", "@openai/codex-darwin-arm64", "vendor/aarch64-apple-darwin/bin/codex"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://github.com/openai/codex/releases/download/{version}/codex-aarch64-apple-darwin.tar.gz");
  }
}
