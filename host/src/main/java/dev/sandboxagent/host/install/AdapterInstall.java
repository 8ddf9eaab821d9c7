package dev.sandboxagent.host.install;

import dev.sandboxagent.api.AgentDescriptor;
import dev.sandboxagent.api.InstallContext;
import dev.sandboxagent.host.agent.AgentCalls;
import dev.sandboxagent.host.plugin.LoadedAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The plugin's own install, for adapters that list no install sources: the adapter puts its
 * program into the install directory itself, holding the agent's install lock like any install.
 */
final class AdapterInstall {

  private AdapterInstall() {}

  /**
   * Runs the adapter's install unless {@code installed} says the program is there (checked under
   * the lock) and {@code reinstall} is false.
   *
   * @return what was installed, or empty when nothing had to be done
   */
  static Optional<Installer.Result> install(Installer installer, LoadedAgent agent, boolean reinstall, String version,
      BooleanSupplier installed) throws InstallException {
    AgentDescriptor descriptor = agent.descriptor();
    Path installDir = installer.installDir();
    return installer.withLock(descriptor.id(), () -> {
      if (!reinstall && installed.getAsBoolean()) {
        return Optional.<Installer.Result>empty();
      }
      Files.createDirectories(installDir);
      AgentCalls.run(agent, "install", () -> agent.adapter().install(context(installDir, reinstall, version)));
      return Optional.of(new Installer.Result(version == null ? "latest" : version,
          installDir.resolve(descriptor.binaryName()), "plugin " + agent.pluginId()));
    });
  }

  /** The context an adapter installs with; its logger is the catalog's. */
  static InstallContext context(Path installDir, boolean reinstall, String version) {
    return new Context(installDir, reinstall, version);
  }

  private record Context(Path installDir, boolean reinstall, String version) implements InstallContext {
    @Override
    public System.Logger logger() {
      return AgentCatalog.LOG;
    }
  }
}
