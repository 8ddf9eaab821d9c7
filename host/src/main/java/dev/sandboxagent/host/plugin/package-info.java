/**
 * Plugin loading: the only host package that talks to pf4j. Finds plugin JARs in the plugins
 * directory, checks their SPI range, instantiates their adapters ({@link
 * dev.sandboxagent.host.plugin.PluginLoader}) and indexes them by agent id ({@link
 * dev.sandboxagent.host.plugin.AdapterRegistry}). JARs dropped in, replaced or removed while the
 * daemon runs are picked up without a restart ({@link dev.sandboxagent.host.plugin.HotReload},
 * triggered by the {@link dev.sandboxagent.host.plugin.PluginWatcher}). A plugin that cannot be
 * loaded is reported, never fatal.
 */
package dev.sandboxagent.host.plugin;
