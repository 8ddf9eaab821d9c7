/**
 * The Java client: {@link dev.sandboxagent.client.SandboxAgent#connect(java.net.URI, String)} for a
 * running daemon, {@link dev.sandboxagent.client.SandboxAgent#start(java.nio.file.Path)} for one run
 * by the caller; every call is blocking and safe on virtual threads.
 */
package dev.sandboxagent.client;
