/** Tenants: who a bearer token belongs to, which agents it may use, its limits and environment. */
package dev.sandboxagent.host.tenant;
