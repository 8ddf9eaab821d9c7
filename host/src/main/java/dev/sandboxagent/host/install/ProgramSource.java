package dev.sandboxagent.host.install;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One place the {@link Installer} can get an agent's program from: it puts the program's files
 * into a staging directory, which the installer then checks and moves into place.
 */
interface ProgramSource {

  /** The source in progress and failure messages, e.g. {@code npm @openai/codex}. */
  String name();

  /**
   * Downloads or copies the program's files under {@code staging}.
   *
   * @param staging an empty directory of the agent's install directory, removed after the install
   * @param version the version or dist-tag to install, or null for the latest
   * @param binaryName the program's file name in the install directory
   * @throws InstallException when this source cannot provide the program
   */
  Staged stage(Path staging, String version, String binaryName, Installer.Listener listener)
      throws InstallException, IOException;

  /**
   * A program's files, staged.
   *
   * @param tree the directory to move into place
   * @param binary the program inside {@code tree}
   * @param version the version installed
   * @param source where it came from, e.g. {@code npm @openai/codex@0.169.0}
   */
  record Staged(Path tree, Path binary, String version, String source) {}
}
