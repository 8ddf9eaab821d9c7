/** Agent processes owned by the host: output delivery, stderr tails, stopping whole process trees. */
package dev.sandboxagent.host.process;
