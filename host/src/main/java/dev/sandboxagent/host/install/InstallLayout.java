package dev.sandboxagent.host.install;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The install directory on disk, and the atomic swap that puts a new program in place:
 *
 * <ul>
 *   <li>{@code <install dir>/<name>}: the program link (a copy where links are not supported);
 *   <li>{@code .agents/<agent>/<version>-<nonce>}: the installed trees, the link pointing into the
 *       newest;
 *   <li>{@code .agents/<agent>/.staging-<nonce>}: where an install is downloaded and extracted,
 *       removed when it ends and by the next install after a crash;
 *   <li>{@code .locks/<agent>.lock}: the {@link InstallLock} file.
 * </ul>
 *
 * <p>A staged tree is renamed into place, then the link is replaced by an atomic rename: a crash at
 * any point leaves the previous install working.
 */
final class InstallLayout {

  private static final System.Logger LOG = System.getLogger(Installer.class.getName());

  private final Path installDir;

  InstallLayout(Path installDir) {
    this.installDir = requireNonNull(installDir, "installDir is null");
  }

  Path installDir() {
    return installDir;
  }

  /** The lock file of the agent's installs. */
  Path lockFile(String agent) {
    return installDir.resolve(".locks").resolve(agent + ".lock");
  }

  /** Creates the agent's directory of installed trees and removes the staging leftovers of a crashed install. */
  Path agentDir(String agent) throws IOException {
    Path agentDir = installDir.resolve(".agents").resolve(agent);
    Files.createDirectories(agentDir);
    removeStaging(agentDir);
    return agentDir;
  }

  /** A new staging directory's path in {@code agentDir} (not created). */
  Path newStaging(Path agentDir) {
    return agentDir.resolve(".staging-" + nonce());
  }

  /** Moves the staged tree into place and swaps the program link atomically. */
  Installer.Result commit(String agent, String binaryName, Path agentDir, ProgramSource.Staged staged)
      throws IOException, InstallException {
    if (Files.size(staged.binary()) == 0) {
      throw new InstallException("the program " + staged.tree().relativize(staged.binary()) + " is empty");
    }
    InstallFiles.makeExecutable(staged.binary());
    String dirName = safeName(staged.version()) + "-" + nonce();
    Path finalTree = agentDir.resolve(dirName);
    Files.move(staged.tree(), finalTree, StandardCopyOption.ATOMIC_MOVE);
    Path binary = finalTree.resolve(staged.tree().relativize(staged.binary()));
    Path link = installDir.resolve(binaryName);
    Path tmpLink = installDir.resolve("." + binaryName + "." + nonce() + ".tmp");
    try {
      Files.createSymbolicLink(tmpLink, installDir.relativize(binary));
      InstallFiles.moveAtomically(tmpLink, link);
    } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
      Files.deleteIfExists(tmpLink);
      Path tmpCopy = installDir.resolve("." + binaryName + "." + nonce() + ".tmp");
      Files.copy(binary, tmpCopy);
      InstallFiles.makeExecutable(tmpCopy);
      InstallFiles.moveAtomically(tmpCopy, link);
    }
    removeOlderTrees(agentDir, dirName);
    LOG.log(System.Logger.Level.INFO, "installed {0} {1} at {2} from {3}", agent, staged.version(), link, staged.source());
    return new Installer.Result(staged.version(), link, staged.source());
  }

  private static void removeOlderTrees(Path agentDir, String keep) {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(agentDir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!name.equals(keep) && !name.startsWith(".")) {
          // A session may still run the old program; Unix keeps its file alive until it exits.
          InstallFiles.deleteTree(child);
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot list {0}: {1}", agentDir, e.getMessage());
    }
  }

  private static void removeStaging(Path agentDir) {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(agentDir, ".staging-*")) {
      for (Path child : children) {
        InstallFiles.deleteTree(child);
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot list {0}: {1}", agentDir, e.getMessage());
    }
  }

  private static String safeName(String version) {
    return version.replaceAll("[^0-9A-Za-z._+-]", "_");
  }

  private static String nonce() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }
}
