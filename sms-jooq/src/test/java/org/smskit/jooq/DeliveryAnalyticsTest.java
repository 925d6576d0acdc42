package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.InvalidInputException;
import org.smskit.core.model.ServiceType;
import org.smskit.core.spi.SendResult;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.reporting.DeliveryDimension;
import org.smskit.jooq.reporting.DeliveryStats;
import org.smskit.jooq.sending.SendRequest;

/**
 * Delivery and cost reports over messages that went through the real flow: queued, dispatched to the simulated
 * provider (which states a price for some), then reported delivered or failed by signed status callbacks.
 */
class DeliveryAnalyticsTest extends DispatchTestBase {
  private static final Instant FROM = T0.minus(Duration.ofDays(1));
  private static final Instant TO = T0.plus(Duration.ofDays(3));

  /** Sends everything due, then reports each message's fate by its body's first word. */
  private void sendAndReport(World w) {
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).build());
    drain(dispatcher);
    for (var sent : network().sent()) {
      String body = sent.message().body();
      if (body.startsWith("delivered")) {
        callback(w, sent.providerMessageId(), MessageStatus.DELIVERED, null);
      } else if (body.startsWith("failed-30003")) {
        callback(w, sent.providerMessageId(), MessageStatus.UNDELIVERED, "30003");
      } else if (body.startsWith("failed-30007")) {
        callback(w, sent.providerMessageId(), MessageStatus.FAILED, "30007");
      }
    }
  }

  /** The provider states a price for bodies that name one ({@code ... $0.0079 USD}). */
  private void providerPricesWhereTheBodySays() {
    providers.onSend((message, simulated) -> {
      SendResult sent = simulated.send(message);
      String body = message.body();
      int dollar = body.indexOf('$');
      if (dollar < 0) {
        return sent;
      }
      String[] price = body.substring(dollar + 1).split(" ");
      return SendResult.builder(sent.providerMessageId(), sent.status()).segments(sent.segments())
          .price(new BigDecimal(price[0])).priceCurrency(price[1]).rawResponse(sent.rawResponse()).build();
    });
  }

  private UUID viaService(UUID service, String body) {
    return sms.queue(SendRequest.to(CUSTOMER).fromService(service).body(body).build()).messageId();
  }

  private UUID viaNumber(UUID number, String body) {
    return sms.queue(SendRequest.to("+14155550199").fromNumber(number).body(body).build()).messageId();
  }

  @Test
  void reportsDeliveryFailureReasonsSegmentsAndCostPerServiceNumberAndCampaign() {
    World w = world();
    db.execute("INSERT INTO public.mkt_campaigns (id, name) VALUES (42, 'Winter') ON CONFLICT DO NOTHING");
    UUID promo = sms.createService(w.account(), "Promo", ServiceType.MARKETING, null, 42L, null).id();
    providerPricesWhereTheBodySays();
    viaService(w.service(), "delivered $0.0079 USD");
    viaService(w.service(), "delivered $0.0079 USD");
    viaService(w.service(), "failed-30003 $0.0079 USD");
    viaService(w.service(), "failed-30007");
    viaService(promo, "delivered $0.0450 EUR");
    viaService(promo, "delivered, but long: " + "x".repeat(300)); // three segments, no price
    viaService(promo, "stays sent");
    viaNumber(w.second().id(), "failed-30003 direct");
    sendAndReport(w);
    receive(w, CUSTOMER, "inbound messages are not counted");

    var analytics = sms.deliveryAnalytics();
    List<DeliveryStats> byService = analytics.byService(FROM, TO);
    assertThat(byService).extracting(DeliveryStats::key)
        .containsExactly(sorted(w.service().toString(), promo.toString())[0],
            sorted(w.service().toString(), promo.toString())[1], null);
    DeliveryStats support = find(byService, w.service().toString());
    assertThat(support.label()).isEqualTo("Support");
    assertThat(support.messages()).isEqualTo(4);
    assertThat(support.delivered()).isEqualTo(2);
    assertThat(support.failed()).isEqualTo(2);
    assertThat(support.pending()).isZero();
    assertThat(support.deliveryRate()).hasValue(0.5);
    assertThat(support.failureReasons()).containsExactly(Map.entry("30003", 1L), Map.entry("30007", 1L));
    assertThat(support.cost()).containsExactly(Map.entry("USD", new BigDecimal("0.023700")));
    assertThat(support.priced()).isEqualTo(3);
    assertThat(support.segments()).isEqualTo(4);

    DeliveryStats marketing = find(byService, promo.toString());
    assertThat(marketing.messages()).isEqualTo(3);
    assertThat(marketing.delivered()).isEqualTo(2);
    assertThat(marketing.pending()).isEqualTo(1);
    assertThat(marketing.deliveryRate()).hasValue(1.0);
    assertThat(marketing.segments()).isEqualTo(1 + 3 + 1);
    assertThat(marketing.cost()).containsExactly(Map.entry("EUR", new BigDecimal("0.045000")));

    DeliveryStats direct = byService.get(2);
    assertThat(direct.key()).isNull();
    assertThat(direct.messages()).isEqualTo(1);
    assertThat(direct.failureReasons()).containsExactly(Map.entry("30003", 1L));
    assertThat(direct.cost()).isEmpty();

    List<DeliveryStats> byCampaign = analytics.byCampaign(FROM, TO);
    assertThat(byCampaign).extracting(DeliveryStats::key, DeliveryStats::messages)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("42", 3L), org.assertj.core.groups.Tuple.tuple(null, 5L));

    List<DeliveryStats> byNumber = analytics.bySenderNumber(FROM, TO);
    assertThat(find(byNumber, w.second().id().toString()).label()).isEqualTo(OUR_SECOND);
    assertThat(find(byNumber, w.second().id().toString()).failed()).isEqualTo(1);
    assertThat(byNumber.stream().mapToLong(DeliveryStats::messages).sum()).isEqualTo(8);

    // Another tenant's messages are not this tenant's report.
    SmsService other = root.forTenant(org.smskit.core.TenantId.of(tenant.value() + "-other"));
    assertThat(other.deliveryAnalytics().byService(FROM, TO)).isEmpty();
  }

  @Test
  void daysAreCalendarDaysOfTheGivenZone() {
    World w = world();
    clock.set(Instant.parse("2024-01-15T23:30:00Z"));
    viaNumber(w.primary().id(), "late evening UTC");
    clock.set(Instant.parse("2024-01-16T00:30:00Z"));
    viaNumber(w.primary().id(), "just after midnight UTC");
    clock.set(Instant.parse("2024-01-16T05:30:00Z"));
    viaNumber(w.primary().id(), "early morning UTC");

    var analytics = sms.deliveryAnalytics();
    assertThat(days(analytics.byDay(FROM, TO, ZoneOffset.UTC)))
        .containsExactly(Map.entry("2024-01-15", 1L), Map.entry("2024-01-16", 2L));
    assertThat(days(analytics.byDay(FROM, TO, ZoneId.of("America/New_York"))))
        .containsExactly(Map.entry("2024-01-15", 2L), Map.entry("2024-01-16", 1L));
    // A fixed offset east of UTC: two hours later, not earlier (PostgreSQL's POSIX reading of 'UTC+2' would be).
    assertThat(days(analytics.byDay(FROM, TO, ZoneOffset.ofHours(2))))
        .containsExactly(Map.entry("2024-01-16", 3L));
    assertThat(days(analytics.byDay(FROM, TO, ZoneOffset.ofHours(-6))))
        .containsExactly(Map.entry("2024-01-15", 3L));
    // The range is half-open on the time the message was queued.
    assertThat(days(analytics.byDay(Instant.parse("2024-01-16T00:30:00Z"), Instant.parse("2024-01-16T05:30:00Z"),
        ZoneOffset.UTC))).containsExactly(Map.entry("2024-01-16", 1L));
  }

  @Test
  void aRangeThatEndsBeforeItStartsIsRefusedByName() {
    assertThatThrownBy(() -> sms.deliveryAnalytics().report(DeliveryDimension.DAY, TO, FROM, ZoneOffset.UTC))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("to"));
    assertThatThrownBy(() -> sms.deliveryAnalytics().fetchPrices(FROM, TO, 0))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("limit"));
  }

  @Test
  void aPriceInAnOddCurrencyCodeIsNormalisedAndAMalformedOneNeverFailsTheSend() {
    World w = world();
    providerPricesWhereTheBodySays();
    UUID lower = viaNumber(w.primary().id(), "priced $0.01 usd");
    UUID odd = viaNumber(w.primary().id(), "priced $0.01 US$");
    drain(dispatcher(config().longCodeRate(0).build()));

    assertThat(stored(lower).price()).isEqualByComparingTo("0.01");
    assertThat(stored(lower).priceUnit()).isEqualTo("USD");
    assertThat(stored(odd).status()).isEqualTo(MessageStatus.SENDING);
    assertThat(stored(odd).providerMessageSid()).isNotNull();
    assertThat(stored(odd).price()).isNull();
  }

  private static String[] sorted(String a, String b) {
    return a.compareTo(b) < 0 ? new String[] {a, b} : new String[] {b, a};
  }

  private static DeliveryStats find(List<DeliveryStats> stats, String key) {
    return stats.stream().filter(s -> key.equals(s.key())).findFirst()
        .orElseThrow(() -> new AssertionError("no group " + key + " in " + stats));
  }

  private static Map<String, Long> days(List<DeliveryStats> stats) {
    Map<String, Long> days = new java.util.LinkedHashMap<>();
    stats.forEach(s -> days.put(s.key(), s.messages()));
    return days;
  }
}
