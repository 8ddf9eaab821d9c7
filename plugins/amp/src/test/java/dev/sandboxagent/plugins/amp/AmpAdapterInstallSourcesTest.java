package dev.sandboxagent.plugins.amp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published package names and vendor locations, per platform: npm first, then the vendor. */
class AmpAdapterInstallSourcesTest {

  private final AmpAdapter adapter = new AmpAdapter();

  @Test
  void namesThePlatformPackageAndTheVendorArtifact() {
    List<InstallSource> sources;
    sources = adapter.installSources(new Platform("linux", "x64", false));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@ampcode/cli", "@ampcode/cli-linux-x64", "amp"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://storage.googleapis.com/amp-public-assets-prod-0/cli/{version}/amp-linux-x64");
    sources = adapter.installSources(new Platform("linux", "x64", true));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@ampcode/cli", "@ampcode/cli-linux-x64", "amp"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://storage.googleapis.com/amp-public-assets-prod-0/cli/{version}/amp-linux-x64");
    sources = adapter.installSources(new Platform("linux", "arm64", false));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@ampcode/cli", "@ampcode/cli-linux-arm64", "amp"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://storage.googleapis.com/amp-public-assets-prod-0/cli/{version}/amp-linux-arm64");
  }
}
