/**
 * The v1 HTTP API on Helidon SE: routes, request parsing, problem-details errors (the failures of
 * the layers below are mapped to them in one place, {@code Problems}),
 * authentication, CORS and Server-Sent Events. The only host package that imports Helidon.
 */
package dev.sandboxagent.host.http;
