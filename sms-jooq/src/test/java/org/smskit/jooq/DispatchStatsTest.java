package org.smskit.jooq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.smskit.core.TenantId;
import org.smskit.core.spi.ProviderException.Kind;
import org.smskit.jooq.dispatch.DispatchStats;
import org.smskit.jooq.dispatch.Dispatcher;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.SendRequest;

/** The counts a host monitors: queued, sending, retrying, failed in the last hour, oldest queued age. */
class DispatchStatsTest extends DispatchTestBase {

  @Test
  void emptyOutboxReportsNothing() {
    world();
    assertThat(sms.dispatchStats()).isEqualTo(new DispatchStats(0, 0, 0, 0, 0, null, 0));
  }

  @Test
  void queuedMessagesAndTheAgeOfTheOldest() {
    World w = world();
    queue(w, "a");
    clock.advance(Duration.ofSeconds(30));
    queue(w, "b");
    queue(w, "c");
    clock.advance(Duration.ofSeconds(60));

    DispatchStats stats = sms.dispatchStats();

    assertThat(stats.queued()).isEqualTo(3);
    assertThat(stats.oldestQueuedAge()).isEqualTo(Duration.ofSeconds(90));
    assertThat(stats.sending()).isZero();
    assertThat(stats.retrying()).isZero();
  }

  @Test
  void everyStateIsCountedOnce() {
    World w = world();
    Dispatcher dispatcher = dispatcher(config().longCodeRate(0).build());
    network().failNextSend(Kind.RETRYABLE, "30001");
    network().failNextSend(Kind.PERMANENT, "21211");
    network().failNextSend(Kind.OUTCOME_UNKNOWN, null);
    queue(w, "retrying");
    dispatcher.runOnce();
    queue(w, "failed");
    dispatcher.runOnce();
    queue(w, "held");
    dispatcher.runOnce();
    queue(w, "sent");
    dispatcher.runOnce();
    queue(w, "leased");
    claimAsDeadWorker(Duration.ofMinutes(5));
    queue(w, "waiting");

    DispatchStats stats = sms.dispatchStats();

    assertThat(stats.queued()).as("waiting").isEqualTo(1);
    assertThat(stats.retrying()).as("retrying").isEqualTo(1);
    assertThat(stats.sending()).as("leased").isEqualTo(1);
    assertThat(stats.held()).as("held for reconciliation, apart from those being sent").isEqualTo(1);
    assertThat(stats.failedLastHour()).as("failed").isEqualTo(1);
  }

  @Test
  void failuresOlderThanAnHourAreNoLongerCounted() {
    World w = world();
    network().failNextSend(Kind.PERMANENT, "21211");
    queue(w, "failed");
    dispatcher(config().build()).runOnce();

    clock.advance(Duration.ofMinutes(59));
    assertThat(sms.dispatchStats().failedLastHour()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    assertThat(sms.dispatchStats().failedLastHour()).isZero();
  }

  @Test
  void messagesWaitingForTheirSendAtTimeDoNotAgeTheQueue() {
    World w = world();
    sms.queue(SendRequest.to(CUSTOMER).fromService(w.service()).body("tomorrow")
        .sendAt(T0.plus(Duration.ofDays(1))).build());
    clock.advance(Duration.ofHours(2));

    assertThat(sms.dispatchStats().oldestQueuedAge()).as("nothing is late").isNull();

    clock.advance(Duration.ofHours(23)); // due an hour ago, and still waiting
    assertThat(sms.dispatchStats().oldestQueuedAge()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void countsAreThoseOfTheTenant() {
    World w = world();
    queue(w, "mine");
    SmsService other = root.forTenant(TenantId.of(tenant.value() + "-other"));
    World theirs = world(other);
    other.queue(SendRequest.to(CUSTOMER).fromService(theirs.service()).body("theirs").build());
    other.queue(SendRequest.to(CUSTOMER).fromService(theirs.service()).body("theirs too").build());

    assertThat(sms.dispatchStats().queued()).isEqualTo(1);
    assertThat(other.dispatchStats().queued()).isEqualTo(2);
  }

  @Test
  void acrossTenantsCountsEveryTenantWhicheverTheServiceActsFor() {
    DispatchStats before = root.dispatchStatsAcrossTenants();
    World w = world();
    queue(w, "mine");
    SmsService other = root.forTenant(TenantId.of(tenant.value() + "-other"));
    World theirs = world(other);
    other.queue(SendRequest.to(CUSTOMER).fromService(theirs.service()).body("theirs").build());

    assertThat(root.dispatchStatsAcrossTenants().queued() - before.queued()).isEqualTo(2);
    assertThat(sms.dispatchStatsAcrossTenants().queued() - before.queued()).isEqualTo(2);
    assertThat(sms.dispatchStats().queued()).isEqualTo(1);
  }

  @Test
  void openCircuitsAreThoseOpenNow() {
    World w = world();
    sms.inTransaction((Repositories r) -> r.outbox().recordFailure(w.account(), 1, T0,
        T0.plus(Duration.ofMinutes(1))));

    assertThat(sms.dispatchStats().openCircuits()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2)); // half-open: waiting for its probe, no longer counted
    assertThat(sms.dispatchStats().openCircuits()).isZero();
  }
}
