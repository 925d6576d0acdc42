package org.smskit.jooq.dispatch;

import java.time.Duration;
import org.smskit.core.Nullable;

/**
 * Counts a host can watch: {@code SmsService.dispatchStats()} for a tenant, {@code dispatchStatsAcrossTenants()} for
 * the installation (sampled by {@code smskit-micrometer}'s gauges).
 *
 * @param queued waiting to be sent for the first time (including scheduled messages)
 * @param sending leased to a dispatcher now (being sent, or about to be)
 * @param held sent with an unknown outcome and held for the reconciler or an operator; never resent by itself
 * @param retrying waiting for another attempt after a failure
 * @param failedLastHour failed or undelivered in the last hour
 * @param oldestQueuedAge how long the longest-waiting unleased message has been waiting since it could have gone
 *     (since it was queued, or since its send-at time); null when none is waiting
 * @param openCircuits provider accounts whose circuit is open now (their messages wait, or go through a fallback);
 *     a half-open circuit, waiting for its probe, is not counted
 */
public record DispatchStats(long queued, long sending, long held, long retrying, long failedLastHour,
    @Nullable Duration oldestQueuedAge, long openCircuits) {}
