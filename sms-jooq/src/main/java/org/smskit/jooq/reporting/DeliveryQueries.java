package org.smskit.jooq.reporting;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.smskit.core.Nullable;
import org.smskit.jooq.repository.DeliveryReportRepository;
import org.smskit.jooq.repository.DeliveryReportRepository.GroupBy;
import org.smskit.jooq.repository.Repositories;

/** The delivery reports: the repository's grouped rows folded into one {@link DeliveryStats} per key. */
final class DeliveryQueries {
  private DeliveryQueries() {}

  static List<DeliveryStats> report(Repositories r, DeliveryDimension by, Instant from, Instant to, ZoneId zone) {
    GroupBy groupBy = switch (by) {
      case SERVICE -> GroupBy.SERVICE;
      case CAMPAIGN -> GroupBy.CAMPAIGN;
      case SENDER_NUMBER -> GroupBy.SENDER_NUMBER;
      case DAY -> GroupBy.DAY;
    };
    Map<String, Acc> groups = new TreeMap<>();
    Acc none = new Acc(null);
    for (DeliveryReportRepository.Row row : r.deliveryReports().rows(groupBy, from, to, zone)) {
      (row.key() == null ? none : groups.computeIfAbsent(row.key(), Acc::new)).add(row);
    }
    List<DeliveryStats> out = new ArrayList<>();
    groups.values().forEach(a -> out.add(a.stats()));
    if (none.messages > 0) {
      out.add(none.stats());
    }
    return out;
  }

  /** One group's counts, summed over its rows (status x failure reason x currency). */
  private static final class Acc {
    final @Nullable String key;
    @Nullable String label;
    long messages;
    long delivered;
    long failed;
    long canceled;
    long pending;
    long segments;
    long priced;
    final Map<String, Long> reasons = new HashMap<>();
    final Map<String, BigDecimal> cost = new TreeMap<>();

    Acc(@Nullable String key) {
      this.key = key;
    }

    void add(DeliveryReportRepository.Row row) {
      if (label == null) {
        label = row.label();
      }
      long n = row.messages();
      messages += n;
      switch (row.status()) {
        case "delivered", "read" -> delivered += n;
        case "failed", "undelivered" -> failed += n;
        case "canceled" -> canceled += n;
        default -> pending += n;
      }
      if (row.reason() != null) {
        reasons.merge(row.reason(), n, Long::sum);
      }
      segments += row.segments();
      if (row.cost() != null && row.currency() != null) {
        cost.merge(row.currency(), row.cost(), BigDecimal::add);
      }
      priced += row.priced();
    }

    DeliveryStats stats() {
      Map<String, Long> byFrequency = new LinkedHashMap<>();
      reasons.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
              .thenComparing(Map.Entry.comparingByKey()))
          .forEach(e -> byFrequency.put(e.getKey(), e.getValue()));
      return new DeliveryStats(key, label, messages, delivered, failed, canceled, pending, segments, byFrequency,
          cost, priced);
    }
  }
}
