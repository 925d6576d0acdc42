package org.smskit.jooq.reporting;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Require;
import org.smskit.core.TenantId;
import org.smskit.jooq.internal.SmsContext;

/**
 * Delivery and cost of one tenant's outbound messages, grouped by service, campaign, sender number or day: delivery
 * rate, failure reasons, segments and what providers charged. Each report is one query over the messages queued in
 * {@code [from, to)}, which reads only the months of that range; inbound messages are not counted.
 *
 * <p>Prices come from the providers: Vonage states one in its answer to every send; Twilio's arrives later, on a
 * status fetch ({@link #fetchPrices}). A message whose provider named no price is counted everywhere but in
 * {@code cost}.
 */
public final class DeliveryAnalytics {
  private final SmsContext ctx;
  private final TenantId tenant;

  /** Internal to smskit: {@code SmsService.deliveryAnalytics()} creates it. */
  public DeliveryAnalytics(SmsContext ctx, TenantId tenant) {
    this.ctx = ctx;
    this.tenant = tenant;
  }

  /** Per messaging service; messages sent without one form the group with a null key. */
  public List<DeliveryStats> byService(Instant from, Instant to) {
    return report(DeliveryDimension.SERVICE, from, to, ZoneOffset.UTC);
  }

  /** Per campaign of the host that services are linked to; messages of unlinked services form the null group. */
  public List<DeliveryStats> byCampaign(Instant from, Instant to) {
    return report(DeliveryDimension.CAMPAIGN, from, to, ZoneOffset.UTC);
  }

  /** Per sender phone number. */
  public List<DeliveryStats> bySenderNumber(Instant from, Instant to) {
    return report(DeliveryDimension.SENDER_NUMBER, from, to, ZoneOffset.UTC);
  }

  /** Per calendar day in {@code zone}. */
  public List<DeliveryStats> byDay(Instant from, Instant to, ZoneId zone) {
    return report(DeliveryDimension.DAY, from, to, zone);
  }

  /**
   * The outbound messages queued in {@code [from, to)} grouped {@code by}, ordered by key (the null group last);
   * {@code zone} sets the days of {@link DeliveryDimension#DAY}.
   *
   * @throws InvalidInputException on {@code to} when it is not after {@code from}
   */
  public List<DeliveryStats> report(DeliveryDimension by, Instant from, Instant to, ZoneId zone) {
    Require.nonNull(by, "by");
    Require.nonNull(from, "from");
    Require.nonNull(to, "to");
    Require.nonNull(zone, "zone");
    if (!to.isAfter(from)) {
      throw new InvalidInputException("to", "must be after from");
    }
    return ctx.read(tenant, r -> DeliveryQueries.report(r, by, from, to, zone));
  }

  /**
   * Asks the providers for the prices they have not reported yet, for up to {@code limit} outbound messages
   * queued in {@code [from, to)} that reached the provider and have no price (one status fetch each, outside any
   * transaction); returns how many got one. Meant for a periodic job: Twilio sets a message's price some time
   * after it was sent, and says it only when asked.
   */
  public int fetchPrices(Instant from, Instant to, int limit) {
    Require.nonNull(from, "from");
    Require.nonNull(to, "to");
    if (limit < 1 || limit > 10_000) {
      throw new InvalidInputException("limit", "between 1 and 10000");
    }
    return new PriceFetch(ctx, tenant).run(from, to, limit);
  }
}
