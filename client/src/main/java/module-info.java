/**
 * The Java client of sandbox-agent: typed calls for every route of the daemon's API, its event
 * streams as {@link java.util.stream.Stream}s of universal events, and an embedded daemon.
 */
module dev.sandboxagent.client {
  requires transitive java.net.http;
  requires transitive com.fasterxml.jackson.databind;
  // The universal event records (the plugin API's jar, an automatic module).
  requires transitive dev.sandboxagent.api;

  exports dev.sandboxagent.client;

  opens dev.sandboxagent.client to com.fasterxml.jackson.databind;
}
