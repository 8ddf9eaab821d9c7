/**
 * Agent processes owned by the host: output delivery, stderr tails, exits seen apart from stdout,
 * and stopping everything a process started, found by process group and environment marker.
 */
package dev.sandboxagent.host.process;
