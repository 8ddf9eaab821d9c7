/**
 * The agent-adapter SPI: what a plugin implements ({@link dev.sandboxagent.api.AgentAdapter}, or
 * {@link dev.sandboxagent.api.AgentProvider} for several agents, {@link
 * dev.sandboxagent.api.AgentSession}, {@link dev.sandboxagent.api.EventTranslator}) and what
 * the host hands it ({@link dev.sandboxagent.api.SessionContext},
 * {@link dev.sandboxagent.api.InstallContext}, {@link dev.sandboxagent.api.EventSink}).
 *
 * <h2>Versioning</h2>
 *
 * <p>The SPI has its own semantic version, {@link dev.sandboxagent.api.Spi#version()}, independent
 * of the daemon's. The host gives it to pf4j as the system version and refuses plugins whose
 * {@code Plugin-Requires} range excludes it; plugins declare a range such as
 * {@code >=1.0.0 & <2.0.0}. Within a major version the SPI only grows: new {@code default} methods
 * with safe fallbacks (on host-implemented interfaces too, since a plugin's tests may implement
 * them), new enum constants, new record types, new classes. Nothing is removed and no signature
 * changes; a record that gains a component keeps a constructor with its old signature. The build
 * checks this against the SPI 1.0.0 JAR.
 *
 * <h2>Ownership</h2>
 *
 * <p>The host owns resources: threads, processes, HTTP, storage, time and installs. A plugin speaks
 * its agent's protocol through the handles of its context and never keeps a thread the host cannot
 * stop.
 */
package dev.sandboxagent.api;
