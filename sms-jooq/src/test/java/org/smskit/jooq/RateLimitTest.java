package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceType;
import org.smskit.core.simulated.SimulatedNetwork;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendRequest;

/**
 * Rate limits in segments per second per sender number and per provider account, kept in the database so that
 * every dispatcher shares them; 429s slow the account down; urgent traffic goes first. Deterministic: the test
 * clock only moves when the test moves it.
 */
class RateLimitTest extends DispatchTestBase {
  private static final String THREE_SEGMENTS = "x".repeat(400); // GSM-7, 153 characters a segment

  private SendReceipt from(SenderPhoneNumber number, String body) {
    return sms.queue(SendRequest.to(CUSTOMER).fromNumber(number.id()).body(body).build());
  }

  private static List<Instant> at(double... seconds) {
    List<Instant> out = new ArrayList<>();
    for (double s : seconds) {
      out.add(T0.plus(Duration.ofNanos(Math.round(s * 1_000_000_000d))));
    }
    return out;
  }

  @Test
  void longCodeSendsOneSegmentPerSecondAndDefersTheRestToTheNextInstant() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().build());
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(from(w.primary(), "m" + i).messageId());
    }

    assertThat(dispatcher.runOnce()).as("claimed at T0").isEqualTo(1);
    assertThat(ids.stream().filter(id -> outbox(id).isPresent()).map(this::dueAt).toList())
        .hasSize(3).containsOnly(T0.plusSeconds(1));
    assertThat(dispatcher.runOnce()).isZero();
    clock.advance(Duration.ofMillis(999));
    assertThat(dispatcher.runOnce()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(dispatcher.runOnce()).isEqualTo(1);

    assertThat(sendTimes(dispatcher)).containsExactlyElementsOf(at(2, 3));
    assertThat(network().sent()).hasSize(4);
  }

  @Test
  void messageOfThreeSegmentsUsesThreeSecondsOfALongCode() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().build());
    from(w.primary(), THREE_SEGMENTS);
    assertThat(dispatcher.runOnce()).isEqualTo(1);
    SendReceipt next = from(w.primary(), "short");

    assertThat(dispatcher.runOnce()).isZero();
    assertThat(dueAt(next.messageId())).isEqualTo(T0.plusSeconds(3));
    assertThat(sendTimes(dispatcher)).containsExactlyElementsOf(at(3));
  }

  @Test
  void tollFreeNumberSendsThreeSegmentsPerSecond() {
    World w = world();
    SenderPhoneNumber tollFree = sms.addPhoneNumber(w.account(), "+1 800 555 0199", "Toll-free", false);
    Dispatcher dispatcher = dispatcher(config().build());
    for (int i = 0; i < 7; i++) {
      from(tollFree, "m" + i);
    }

    List<Instant> times = sendTimes(dispatcher);

    assertThat(times).hasSize(7);
    for (int i = 3; i < times.size(); i++) {
      assertThat(Duration.between(times.get(i - 3), times.get(i))).as("4 sends span at least a second")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
    assertThat(times.get(6)).as("and no slower than 3/s").isBefore(T0.plusMillis(2001));
    assertThat(times.get(1)).isBefore(T0.plusMillis(334));
  }

  @Test
  void perNumberOverrideWinsAndZeroMeansUnlimited() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().numberRate(w.primary().id(), 4).numberRate(w.second().id(), 0)
        .build());
    for (int i = 0; i < 4; i++) {
      from(w.primary(), "p" + i);
      from(w.second(), "s" + i);
    }

    assertThat(dispatcher.runOnce()).as("all of the unlimited number and one of the other").isEqualTo(5);
    assertThat(sendTimes(dispatcher)).containsExactlyElementsOf(at(0.25, 0.5, 0.75));
  }

  @Test
  void accountRateLimitsAllTheNumbersOfTheAccount() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().accountRate(w.account(), 0.5).accountBurst(Duration.ZERO).build());
    from(w.primary(), "p");
    from(w.second(), "s");

    assertThat(dispatcher.runOnce()).isEqualTo(1);
    assertThat(sendTimes(dispatcher)).containsExactlyElementsOf(at(2));
  }

  @Test
  void anAccountMayBurstAheadOfItsRateThenKeepsIt() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).accountRate(w.account(), 2)
        .accountBurst(Duration.ofSeconds(1)).build());
    for (int i = 0; i < 6; i++) {
      from(w.primary(), "p" + i);
    }

    // One second of burst at 2 segments per second: the first claim takes 3 (now, and two within the second
    // ahead), then the account runs at its rate.
    assertThat(dispatcher.runOnce()).isEqualTo(3);
    assertThat(sendTimes(dispatcher)).containsExactlyElementsOf(at(0.5, 1, 1.5));
  }

  @Test
  void providerWideAccountRateAppliesToEachAccountOfThatProvider() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().accountRate("simulated", 1).accountBurst(Duration.ZERO).build());
    from(w.primary(), "p");
    from(w.second(), "s");

    assertThat(dispatcher.runOnce()).as("each number may send, the account may not twice").isEqualTo(1);
    assertThat(sendTimes(dispatcher)).containsExactlyElementsOf(at(1));
  }

  @Test
  void limitsAreSharedByDispatchersOfDifferentNodes() {
    World w = world();
    Dispatcher here = dispatcher(config().build());
    Dispatcher there = dispatcher(otherNode(b -> {}), config().build());
    for (int i = 0; i < 3; i++) {
      from(w.primary(), "m" + i);
    }

    assertThat(here.runOnce()).isEqualTo(1);
    assertThat(there.runOnce()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(there.runOnce()).isEqualTo(1);
    assertThat(here.runOnce()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(here.runOnce() + there.runOnce()).isEqualTo(1);
    assertThat(network().sent()).hasSize(3);
  }

  @Test
  void http429WithRetryAfterSlowsTheWholeAccount() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).build());
    providers.onSend((message, simulated) -> {
      throw failure(Kind.RATE_LIMITED, "20429", Duration.ofSeconds(30));
    });
    SendReceipt throttled = from(w.primary(), "throttled");
    dispatcher.runOnce();
    providers.onSend(null);

    clock.advance(Duration.ofSeconds(1));
    SendReceipt other = from(w.second(), "another number, same account");
    assertThat(dispatcher.runOnce()).isZero();
    assertThat(dueAt(other.messageId())).isEqualTo(T0.plusSeconds(30));
    assertThat(dueAt(throttled.messageId())).isEqualTo(T0.plusSeconds(30));

    clock.set(T0.plusSeconds(30));
    assertThat(dispatcher.runOnce()).isEqualTo(2);
    assertThat(network().sent()).hasSize(2);
  }

  @Test
  void rateLimitedAnswerWithoutRetryAfterSlowsTheAccountForTheBackoff() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).backoff(Duration.ofSeconds(5), Duration.ofMinutes(1))
        .build());
    providers.onSend((message, simulated) -> {
      throw failure(Kind.RATE_LIMITED, "20429", null);
    });
    from(w.primary(), "throttled");
    dispatcher.runOnce();
    providers.onSend(null);

    SendReceipt other = from(w.second(), "another number, same account");
    assertThat(dispatcher.runOnce()).isZero();
    assertThat(dueAt(other.messageId())).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void transactionalAndConversationTrafficGoesAheadOfCampaigns() {
    World w = world();
    UUID campaign = sms.createService(w.account(), "Spring sale", ServiceType.CAMPAIGN, null, null, null).id();
    UUID transactional = sms.createService(w.account(), "Receipts", ServiceType.TRANSACTIONAL, null, null, null).id();
    UUID conversation = sms.createService(w.account(), "Chat", ServiceType.CONVERSATION, null, null, null).id();
    for (int i = 0; i < 3; i++) {
      sms.queue(SendRequest.to(CUSTOMER).fromService(campaign).body("campaign " + i).build());
    }
    from(w.primary(), "no service");
    sms.queue(SendRequest.to(CUSTOMER).fromService(transactional).body("receipt").build());
    sms.queue(SendRequest.to(CUSTOMER).fromService(conversation).body("reply").build());
    Dispatcher dispatcher = dispatcher(config().build());

    List<Instant> times = sendTimes(dispatcher);

    assertThat(times).containsExactlyElementsOf(at(0, 1, 2, 3, 4, 5));
    List<String> order = network().sent().stream().map(SimulatedNetwork.Sent::message).map(m -> m.body()).toList();
    assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("receipt", "reply");
    assertThat(order.get(2)).isEqualTo("no service");
    assertThat(order.subList(3, 6)).containsExactlyInAnyOrder("campaign 0", "campaign 1", "campaign 2");
  }

  @Test
  void busyNumberDoesNotHoldBackAnotherNumber() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().build());
    for (int i = 0; i < 5; i++) {
      from(w.primary(), "busy " + i);
    }
    from(w.second(), "quiet");

    assertThat(dispatcher.runOnce()).isEqualTo(2);
    assertThat(network().sent()).extracting(s -> s.message().body()).contains("quiet");
  }
}
