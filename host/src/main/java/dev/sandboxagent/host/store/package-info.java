/**
 * The durable store of sessions and their events: an interface the sessions call, an in-memory
 * no-op for {@code --ephemeral}, and the embedded SQLite database of the data directory, written by
 * one thread in batched transactions while readers are served from memory; the event export reads
 * it on a connection of its own.
 */
package dev.sandboxagent.host.store;
