/**
 * Export of sessions and their events to an event sink outside the daemon (PostgreSQL): read from
 * the local store in order, written at least once with idempotent upserts, and the position kept
 * in the local store so that an outage or a restart catches up.
 */
package dev.sandboxagent.host.export;
