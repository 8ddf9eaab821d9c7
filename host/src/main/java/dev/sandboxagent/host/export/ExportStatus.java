package dev.sandboxagent.host.export;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of the event export, as {@code GET /v1/health} shows it.
 *
 * @param connected whether the sink is connected
 * @param lag how many stored events are not exported yet (as of the last look)
 * @param exported how many events this daemon has exported since it started
 * @param lastError the last failure, or null if there was none since the daemon started
 * @param lastErrorAt when it happened, or null
 * @param behind how long the export has been behind (since it last had nothing waiting); zero when it has not
 */
public record ExportStatus(boolean connected, long lag, long exported, String lastError, Instant lastErrorAt,
    Duration behind) {}
