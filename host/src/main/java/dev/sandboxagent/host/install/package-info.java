/**
 * Installing agent programs: downloads, archive extraction that cannot write outside its target,
 * and the install directory's locking and atomic replacement.
 */
package dev.sandboxagent.host.install;
