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
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * smskit's health: {@code DOWN} when its database does not answer; otherwise {@code UP} with the dispatch counts of
 * {@code smskit.health.tenants} (summed; durations such as the oldest queued age take the longest), or
 * {@code OUT_OF_SERVICE} when the oldest queued message waited longer than {@code smskit.health.max-oldest-queued-age}
 * or more than {@code smskit.health.max-held} messages are held. Every field of {@link DispatchStats} is reported, so
 * fields it gains appear without a change here.
 */
final class SmsKitHealthIndicator extends AbstractHealthIndicator {
  private final SmsService sms;
  private final SmsKitProperties.Health settings;

  SmsKitHealthIndicator(SmsService sms, SmsKitProperties.Health settings) {
    super("smskit health check failed");
    this.sms = sms;
    this.settings = settings;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    List<DispatchStats> stats = new ArrayList<>();
    for (String tenant : settings.getTenants()) {
      stats.add(sms.forTenant(TenantId.of(tenant)).dispatchStats());
    }
    Map<String, Object> details = sum(stats);
    Duration oldest = (Duration) details.get("oldestQueuedAge");
    long held = ((Number) details.getOrDefault("held", 0L)).longValue();
    boolean backlog = settings.getMaxOldestQueuedAge() != null && oldest != null
        && oldest.compareTo(settings.getMaxOldestQueuedAge()) > 0;
    boolean tooManyHeld = settings.getMaxHeld() != null && held > settings.getMaxHeld();
    builder.status(backlog || tooManyHeld ? Status.OUT_OF_SERVICE : Status.UP);
    builder.withDetail("tenants", settings.getTenants());
    details.forEach((name, value) -> {
      if (value != null) { // Boot refuses null details: an absent one (no message waiting) is left out
        builder.withDetail(name, value instanceof Duration d ? d.toString() : value);
      }
    });
  }

  /** The components of the tenants' stats by name: numbers added, durations the longest, collections joined. */
  static Map<String, Object> sum(List<DispatchStats> stats) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent component : DispatchStats.class.getRecordComponents()) {
      Object total = null;
      for (DispatchStats s : stats) {
        Object value;
        try {
          value = component.getAccessor().invoke(s);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        total = add(total, value);
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
