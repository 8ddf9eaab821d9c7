/**
 * The daemon's entry point: {@link dev.sandboxagent.host.Main} hands the command line to {@link
 * dev.sandboxagent.host.cli.Cli}.
 */
package dev.sandboxagent.host;
