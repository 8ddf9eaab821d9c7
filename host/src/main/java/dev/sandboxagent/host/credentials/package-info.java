/** Credentials the user already has for the agents, found in the environment and the agents' files. */
package dev.sandboxagent.host.credentials;
