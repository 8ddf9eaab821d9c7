package dev.sandboxagent.host.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxagent.api.AgentAdapter;
import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.AgentSession;
import dev.sandboxagent.api.Capability;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.api.PermissionMode;
import dev.sandboxagent.api.Platform;
import dev.sandboxagent.api.SessionContext;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adapters that list no install sources install their program themselves. */
class AdapterInstallTest {

  @TempDir Path tmp;

  /** Writes its program into the install directory and records each install's context. */
  static final class SelfInstallingAdapter implements AgentAdapter {
    final List<String> installs = new ArrayList<>();

    @Override
    public AgentDescriptor descriptor() {
      return AgentDescriptor.builder("selfinstall")
          .capabilities(Capability.TEXT_MESSAGES)
          .mode("build", "Build", "Build")
          .permissionModes(PermissionMode.DEFAULT)
          .binaryName("selfinstall")
          .build();
    }

    @Override
    public void install(InstallContext context) {
      installs.add("reinstall=" + context.reinstall() + " version=" + context.version());
      try {
        Files.writeString(context.installDir().resolve("selfinstall"), "#!/bin/sh\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public AgentSession open(SessionContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private AgentCatalog catalog() {
    Downloader downloader = new Downloader(Duration.ofSeconds(1), Duration.ofSeconds(1));
    URI nowhere = URI.create("http://127.0.0.1:9/");
    InstallSettings settings = new InstallSettings(InstallSettings.DEFAULT_ORDER, Map.of(), Map.of(), nowhere);
    Installer installer = new Installer(tmp.resolve("install"), new Platform("linux", "x64", false), settings,
        new NpmRegistry(nowhere, downloader, new ObjectMapper(), null), downloader, new ArchiveExtractor(),
        Duration.ofSeconds(5));
    return new AgentCatalog(installer, tmp.resolve("default-install"), null, Map.of());
  }

  @Test
  void theAdapterInstallsOnceUnlessAskedToReinstall() {
    SelfInstallingAdapter adapter = new SelfInstallingAdapter();
    LoadedAgent agent = new LoadedAgent(adapter, adapter.descriptor(), "self-plugin", "1.0.0");
    AgentCatalog catalog = catalog();

    Installer.Result result = catalog.install(agent, false, null).orElseThrow();

    assertThat(result).isEqualTo(new Installer.Result("latest", tmp.resolve("install/selfinstall").toAbsolutePath(),
        "plugin self-plugin"));
    assertThat(catalog.resolve(agent.descriptor())).contains(result.binary());
    assertThat(catalog.install(agent, false, null)).isEmpty();
    assertThat(catalog.install(agent, true, "2.0.0").orElseThrow().version()).isEqualTo("2.0.0");
    assertThat(adapter.installs).containsExactly("reinstall=false version=null", "reinstall=true version=2.0.0");
  }
}
