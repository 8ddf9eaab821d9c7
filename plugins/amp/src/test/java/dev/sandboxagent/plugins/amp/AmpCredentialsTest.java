package dev.sandboxagent.plugins.amp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxagent.api.CredentialContext;
import dev.sandboxagent.api.DiscoveredCredential;
import dev.sandboxagent.api.DiscoveredCredential.AuthType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Amp's configuration file in a fake home directory. */
class AmpCredentialsTest {

  @TempDir Path home;

  private List<DiscoveredCredential> discover() {
    return new AmpAdapter().discoverCredentials(new CredentialContext(home, Map.of(), Instant.now()));
  }

  @Test
  void ampConfigIsSearchedInItsOrder() throws Exception {
    Files.createDirectories(home.resolve(".amp"));
    Files.writeString(home.resolve(".amp/config.json"),
        "{\"token\":\"tok-later\",\"auth\":{\"apiKey\":\"\"},\"anthropic_api_key\":\"sk-ant-first\"}");
    assertThat(discover()).containsExactly(
        new DiscoveredCredential("anthropic", "sk-ant-first", AuthType.API_KEY, "amp", 100));
  }

  @Test
  void aBrokenConfigFindsNothing() throws Exception {
    Files.createDirectories(home.resolve(".amp"));
    Files.writeString(home.resolve(".amp/config.json"), "[\"not an object\"]");
    assertThat(discover()).isEmpty();
  }
}
