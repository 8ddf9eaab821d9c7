package dev.sandboxagent.plugins.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.InstallSource;
import dev.sandboxagent.api.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published package names and vendor locations, per platform: npm first, then the vendor. */
class ClaudeAdapterInstallSourcesTest {

  private final ClaudeAdapter adapter = new ClaudeAdapter();

  @Test
  void namesThePlatformPackageAndTheVendorArtifact() {
    List<InstallSource> sources;
    sources = adapter.installSources(new Platform("linux", "x64", false));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@anthropic-ai/claude-code", "@anthropic-ai/claude-code-linux-x64", "claude"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://storage.googleapis.com/claude-code-dist-86c565f3-f756-42ad-8dfa-d59b1c096819/claude-code-releases/{version}/linux-x64/claude");
    sources = adapter.installSources(new Platform("linux", "x64", true));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@anthropic-ai/claude-code", "@anthropic-ai/claude-code-linux-x64-musl", "claude"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://storage.googleapis.com/claude-code-dist-86c565f3-f756-42ad-8dfa-d59b1c096819/claude-code-releases/{version}/linux-x64-musl/claude");
    sources = adapter.installSources(new Platform("linux", "arm64", true));
    assertThat(sources.get(0)).isEqualTo(new InstallSource.Npm("@anthropic-ai/claude-code", "@anthropic-ai/claude-code-linux-arm64-musl", "claude"));
    assertThat(((InstallSource.Download) sources.get(1)).versionedUrl()).isEqualTo("https://storage.googleapis.com/claude-code-dist-86c565f3-f756-42ad-8dfa-d59b1c096819/claude-code-releases/{version}/linux-arm64/claude");
  }
}
