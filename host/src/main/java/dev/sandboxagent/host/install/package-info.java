/**
 * Agent programs on disk: finding an agent's program (explicit binary, install directory, {@code
 * PATH}, default install directory) and probing its version ({@link
 * dev.sandboxagent.host.install.AgentCatalog}), and installing it ({@link
 * dev.sandboxagent.host.install.Installer}): the sources tried in turn (a local file, npm, the
 * vendor's download, or the adapter's own install), downloads, archive extraction that cannot
 * write outside its target, and the install directory's locking and atomic replacement.
 */
package dev.sandboxagent.host.install;
