package dev.sandboxagent.plugins.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published package names and vendor locations, per platform: npm first, then the vendor. */
class OpenCodeAdapterInstallSourcesTest {

  private final OpenCodeAdapter adapter = new OpenCodeAdapter();

  @Test
  void namesThePlatformPackageAndTheVendorArtifact() {
    List<InstallSource> sources;
    sources = adapter.installSources(new Platform("linux", "x64", false));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("opencode-ai", "opencode-linux-x64", "bin/opencode"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://github.com/anomalyco/opencode/releases/download/{version}/opencode-linux-x64.tar.gz");
    sources = adapter.installSources(new Platform("linux", "x64", true));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("opencode-ai", "opencode-linux-x64-musl", "bin/opencode"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://github.com/anomalyco/opencode/releases/download/{version}/opencode-linux-x64-musl.tar.gz");
    sources = adapter.installSources(new Platform("darwin", "x64", false));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("opencode-ai", "opencode-darwin-x64", "bin/opencode"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://github.com/anomalyco/opencode/releases/download/{version}/opencode-darwin-x64.zip");
  }
}
