/**
 * The daemon's metrics, in the Prometheus text format ({@code GET /metrics}): counters and
 * histograms updated where things happen, and gauges read from the daemon's state when scraped.
 */
package dev.sandboxagent.host.metrics;
