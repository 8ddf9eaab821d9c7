package dev.sandboxagent.host.session;

import static java.util.Objects.requireNonNull;

import dev.sandboxagent.host.agent.AgentStateDirectories;
import dev.sandboxagent.host.agent.SharedServers;
import dev.sandboxagent.host.process.ProcessSupervisor;

/**
 * What the daemon lends every session: the supervisor of its processes, the servers agents share
 * within a sharing scope and the directories agents keep their state in.
 */
record SessionResources(ProcessSupervisor processes, SharedServers sharedServers, AgentStateDirectories stateDirectories) {

  SessionResources {
    requireNonNull(processes, "processes is null");
    requireNonNull(sharedServers, "sharedServers is null");
    requireNonNull(stateDirectories, "stateDirectories is null");
  }
}
