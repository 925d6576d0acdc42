package org.smskit.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.dispatch.DispatchStats;

/**
 * What the {@code smskit} health indicator reports, whichever Boot generation's health API carries it: the
 * installation's dispatch counts (every tenant, {@link SmsService#dispatchStatsAcrossTenants()}, one query), and
 * whether they are over the configured thresholds. A database that does not answer throws.
 */
record DispatchHealth(boolean overThreshold, Map<String, Object> details) {

  static DispatchHealth check(SmsService sms, SmsKitProperties.Health settings) {
    DispatchStats stats = sms.dispatchStatsAcrossTenants();
    Duration oldest = stats.oldestQueuedAge();
    boolean backlog = settings.getMaxOldestQueuedAge() != null && oldest != null
        && oldest.compareTo(settings.getMaxOldestQueuedAge()) > 0;
    boolean tooManyHeld = settings.getMaxHeld() != null && stats.held() > settings.getMaxHeld();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("queued", stats.queued());
    details.put("sending", stats.sending());
    details.put("retrying", stats.retrying());
    details.put("held", stats.held());
    details.put("failedLastHour", stats.failedLastHour());
    details.put("openCircuits", stats.openCircuits());
    if (oldest != null) { // Boot refuses null details: none when no message is waiting
      details.put("oldestQueuedAge", oldest.toString());
    }
    return new DispatchHealth(backlog || tooManyHeld, details);
  }
}
