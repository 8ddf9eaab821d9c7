/**
 * Sessions: their settings, the normalizer that turns candidate events into recorded ones (ids,
 * synthetic gap events, sequences), the append-only event log every reader is served from, the
 * manager that owns their lifecycle, and the failures of requests about them ({@link
 * dev.sandboxagent.host.session.SessionException}).
 */
package dev.sandboxagent.host.session;
