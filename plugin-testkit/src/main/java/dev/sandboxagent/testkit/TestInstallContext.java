package dev.sandboxagent.testkit;

import dev.sandboxagent.api.InstallContext;
import java.nio.file.Path;

/**
 * An install context for tests of {@code AgentAdapter.install} and {@code listModes}, as the host
 * would give one.
 *
 * @param installDir the directory programs are installed into (it must exist)
 * @param reinstall whether an existing installation should be replaced
 * @param version the requested version, or null for the latest
 */
public record TestInstallContext(Path installDir, boolean reinstall, String version) implements InstallContext {

  @Override
  public System.Logger logger() {
    return System.getLogger("dev.sandboxagent.testkit");
  }
}
