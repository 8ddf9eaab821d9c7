/**
 * Sessions: their settings, the normalizer that turns candidate events into recorded ones (ids,
 * synthetic gap events, sequences), the append-only event log every reader is served from, and the
 * manager that owns their lifecycle.
 */
package dev.sandboxagent.host.session;
