/**
 * The v1 HTTP API on Helidon SE: routes, request parsing, problem-details errors, authentication,
 * CORS and Server-Sent Events. The only host package that imports Helidon.
 */
package dev.sandboxagent.host.http;
