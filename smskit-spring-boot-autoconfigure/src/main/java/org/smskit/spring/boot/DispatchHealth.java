package org.smskit.spring.boot;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smskit.core.TenantId;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.dispatch.DispatchStats;

/**
 * What the {@code smskit} health indicator reports, whichever Boot generation's health API carries it: the dispatch
 * counts of {@code smskit.health.tenants} (numbers summed, durations such as the oldest queued age the longest,
 * collections joined), and whether they are over the configured thresholds. Every field of {@link DispatchStats} is
 * reported, so fields it gains appear without a change here. A database that does not answer throws.
 */
record DispatchHealth(boolean overThreshold, Map<String, Object> details) {

  static DispatchHealth check(SmsService sms, SmsKitProperties.Health settings) {
    List<DispatchStats> stats = new ArrayList<>();
    for (String tenant : settings.getTenants()) {
      stats.add(sms.forTenant(TenantId.of(tenant)).dispatchStats());
    }
    Map<String, Object> totals = sum(stats);
    Duration oldest = (Duration) totals.get("oldestQueuedAge");
    long held = ((Number) totals.getOrDefault("held", 0L)).longValue();
    boolean backlog = settings.getMaxOldestQueuedAge() != null && oldest != null
        && oldest.compareTo(settings.getMaxOldestQueuedAge()) > 0;
    boolean tooManyHeld = settings.getMaxHeld() != null && held > settings.getMaxHeld();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("tenants", settings.getTenants());
    totals.forEach((name, value) -> {
      if (value != null) { // Boot refuses null details: an absent one (no message waiting) is left out
        details.put(name, value instanceof Duration d ? d.toString() : value);
      }
    });
    return new DispatchHealth(backlog || tooManyHeld, details);
  }

  static Map<String, Object> sum(List<DispatchStats> stats) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent component : DispatchStats.class.getRecordComponents()) {
      Object total = null;
      for (DispatchStats s : stats) {
        try {
          total = add(total, component.getAccessor().invoke(s));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      out.put(component.getName(), total);
    }
    return out;
  }

  private static Object add(Object total, Object value) {
    if (total == null || value == null) {
      return total == null ? value : total;
    }
    if (value instanceof Duration d) {
      return d.compareTo((Duration) total) > 0 ? d : total;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) total).longValue() + ((Number) value).longValue();
    }
    if (value instanceof Number n) {
      return ((Number) total).doubleValue() + n.doubleValue();
    }
    if (value instanceof Collection<?> c) {
      List<Object> all = new ArrayList<>((Collection<?>) total);
      all.addAll(c);
      return all;
    }
    return value;
  }
}
