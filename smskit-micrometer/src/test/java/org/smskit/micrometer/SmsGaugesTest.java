package org.smskit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatchStats;
import org.smskit.jooq.repository.Repositories;

/** The sampled gauges: their values from the database, and one query per refresh interval whatever the reads. */
class SmsGaugesTest extends MetricsTestBase {

  private double gauge(MeterRegistry on, String name, String... tags) {
    return on.get(name).tags(tags).gauge().value();
  }

  @Test
  void gaugesReadTheQueueHeldMessagesAndOpenCircuitsOfEveryTenant() {
    DispatchStats before = root.dispatchStatsAcrossTenants(); // other tests' tenants share the database
    sms.queue(text("one"));
    sms.queue(text("two"));
    network.loseNextAnswer();
    var held = sms.queue(text("lost answer")).messageId();
    assertThat(sms.dispatch(held).status()).isEqualTo(MessageStatus.SENDING);
    sms.inTransaction((Repositories r) -> r.outbox().recordFailure(account, 1, start,
        start.plus(Duration.ofMinutes(1))));
    clock.advance(Duration.ofSeconds(30));
    MeterRegistry gauges = new SimpleMeterRegistry();
    new SmsGauges(root, Duration.ZERO).bindTo(gauges);

    assertThat(gauge(gauges, "smskit.outbox.messages", "state", "queued") - before.queued()).isEqualTo(2);
    assertThat(gauge(gauges, "smskit.outbox.messages", "state", "retrying")).isEqualTo(before.retrying());
    assertThat(gauge(gauges, "smskit.outbox.messages", "state", "sending")).isEqualTo(before.sending());
    assertThat(gauge(gauges, "smskit.messages.held") - before.held()).isEqualTo(1);
    assertThat(gauge(gauges, "smskit.circuits.open") - before.openCircuits()).isEqualTo(1);
    assertThat(gauge(gauges, "smskit.outbox.oldest.age")).isGreaterThanOrEqualTo(30.0);
    assertThat(gauges.get("smskit.outbox.oldest.age").gauge().getId().getBaseUnit()).isEqualTo("seconds");
    assertThat(gauge(gauges, "smskit.messages.failed.recent")).isEqualTo(before.failedLastHour());
  }

  /** A query that counts its calls, and a clock the test moves. */
  private static final class Counted implements Supplier<DispatchStats> {
    final AtomicInteger queries = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public DispatchStats get() {
      int n = queries.incrementAndGet();
      if (failing.get()) {
        throw new IllegalStateException("database down");
      }
      return new DispatchStats(n, 0, 0, 0, 0, Duration.ofSeconds(90), 2);
    }
  }

  @Test
  void readsWithinTheRefreshIntervalShareOneQuery() {
    Counted query = new Counted();
    AtomicLong nanos = new AtomicLong(1_000);
    MeterRegistry gauges = new SimpleMeterRegistry();
    new SmsGauges(query, Duration.ofSeconds(10), nanos::get).bindTo(gauges);

    // A scrape reads every gauge: one query for all of them.
    gauges.getMeters().forEach(m -> m.measure().forEach(x -> { }));
    assertThat(gauge(gauges, "smskit.outbox.messages", "state", "queued")).isEqualTo(1);
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(gauge(gauges, "smskit.outbox.messages", "state", "queued")).isEqualTo(1);
    assertThat(gauge(gauges, "smskit.circuits.open")).isEqualTo(2);
    assertThat(gauge(gauges, "smskit.outbox.oldest.age")).isEqualTo(90.0);
    assertThat(query.queries).hasValue(1);

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(gauge(gauges, "smskit.outbox.messages", "state", "queued")).isEqualTo(2);
    assertThat(query.queries).hasValue(2);
  }

  @Test
  void aFailedQueryReadsNaNUntilTheNextInterval() {
    Counted query = new Counted();
    AtomicLong nanos = new AtomicLong();
    SmsGauges binder = new SmsGauges(query, Duration.ofSeconds(10), nanos::get);
    MeterRegistry gauges = new SimpleMeterRegistry();
    binder.bindTo(gauges);
    query.failing.set(true);

    assertThat(gauge(gauges, "smskit.messages.held")).isNaN();
    assertThat(gauge(gauges, "smskit.circuits.open")).isNaN();
    assertThat(binder.latest()).isEmpty();
    assertThat(query.queries).as("a database that is down is not asked again at once").hasValue(1);

    query.failing.set(false);
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(gauge(gauges, "smskit.circuits.open")).isEqualTo(2);
    assertThat(binder.latest()).isPresent();
  }
}
