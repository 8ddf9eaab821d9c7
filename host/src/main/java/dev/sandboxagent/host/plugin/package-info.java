/**
 * Plugin loading: the only host package that talks to pf4j. Finds plugin JARs in the plugins
 * directory, checks their SPI range, instantiates their adapters and indexes them by agent id. A
 * plugin that cannot be loaded is reported, never fatal.
 */
package dev.sandboxagent.host.plugin;
