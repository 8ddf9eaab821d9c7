package dev.sandboxagent.host.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents are listed by the listing order their plugins' descriptors set, then by id. */
class ListingOrderTest {

  private static final String RANGE = ">=1.0.0 & <2.0.0";

  @TempDir Path tmp;

  private void plugin(Path plugins, String id, String descriptorCalls) throws Exception {
    String pkg = "org.example." + id.replace("-", "");
    new PluginJarBuilder(tmp.resolve("build-" + id))
        .source(pkg + ".EchoAdapter", PluginJarBuilder.echoAdapter(pkg, id, "", descriptorCalls))
        .manifest("Plugin-Id", id + "-plugin").manifest("Plugin-Version", "1.0.0").manifest("Plugin-Requires", RANGE)
        .build(plugins.resolve(id + ".jar"));
  }

  @Test
  void aThirdPartyPluginWithALowListingOrderIsListedFirst() throws Exception {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    plugin(plugins, "alpha", "");
    plugin(plugins, "beta", ".listingOrder(150)");
    plugin(plugins, "zulu", ".listingOrder(1)");
    plugin(plugins, "gamma", ".listingOrder(150)");
    try (AdapterRegistry registry = AdapterRegistry.load(plugins)) {
      assertThat(registry.failures()).isEmpty();
      // zulu first, then the two at 150 by id, then alpha with the default order (1000)
      assertThat(registry.agents()).extracting(LoadedAgent::id).containsExactly("zulu", "beta", "gamma", "alpha");
    }
  }
}
