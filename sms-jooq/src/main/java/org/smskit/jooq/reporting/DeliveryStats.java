package org.smskit.jooq.reporting;

import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalDouble;
import org.smskit.core.Nullable;

/**
 * What became of the outbound messages of one group (a service, a campaign, a sender number or a day).
 *
 * @param key the group: a service, number or campaign id, or a day as {@code yyyy-MM-dd}; null for messages with
 *     no service (or no linked campaign)
 * @param label a readable name for the key where one exists: the service's name, the sender number; else null
 * @param messages every outbound message of the group
 * @param delivered delivered or read
 * @param failed failed or undelivered
 * @param canceled canceled before they were sent
 * @param pending not final yet: scheduled, queued, sending or sent
 * @param segments SMS segments of all its messages, as counted when queued or as the provider answered
 * @param failureReasons failed and undelivered messages by provider error code ({@code unknown} when none was
 *     given), most frequent first
 * @param cost what providers charged, per ISO 4217 currency, for the messages they reported a price for
 * @param priced how many messages have a price
 */
public record DeliveryStats(
    @Nullable String key,
    @Nullable String label,
    long messages,
    long delivered,
    long failed,
    long canceled,
    long pending,
    long segments,
    Map<String, Long> failureReasons,
    Map<String, BigDecimal> cost,
    long priced) {

  public DeliveryStats {
    failureReasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failureReasons));
    cost = Map.copyOf(cost);
  }

  /** Delivered among those that reached a final verdict (delivered, failed or undelivered); empty when none did. */
  public OptionalDouble deliveryRate() {
    long decided = delivered + failed;
    return decided == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) delivered / decided);
  }
}
