package org.smskit.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.jooq.SmsService;
import org.smskit.jooq.dispatch.DispatchStats;

/**
 * Gauges of the dispatch queue across all tenants ({@link SmsService#dispatchStatsAcrossTenants()}): messages
 * waiting by state, the oldest wait, held messages, failures of the last hour, open circuits. They need the
 * database, so they are sampled, not queried per scrape: a read older than the refresh interval (default
 * {@link #DEFAULT_REFRESH}) runs one query for all of them, made by one reader at a time while the others keep the
 * previous sample. No thread is started. When the query fails, the gauges read NaN until the next interval.
 *
 * <pre>{@code
 * new SmsGauges(sms, Duration.ofSeconds(30)).bindTo(registry);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SmsGauges implements MeterBinder {
  private static final Logger log = LoggerFactory.getLogger(SmsGauges.class);

  /** How long a sample is used before the next read queries again. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(15);

  static final String OUTBOX_MESSAGES = "smskit.outbox.messages";
  static final String OUTBOX_OLDEST_AGE = "smskit.outbox.oldest.age";
  static final String MESSAGES_HELD = "smskit.messages.held";
  static final String MESSAGES_FAILED_RECENT = "smskit.messages.failed.recent";
  static final String CIRCUITS_OPEN = "smskit.circuits.open";

  /** A sample, or a failed query ({@code stats} null), taken at {@code takenAt} ({@link System#nanoTime}). */
  private record Sample(@Nullable DispatchStats stats, long takenAt) {}

  private final Supplier<DispatchStats> query;
  private final long refreshNanos;
  private final LongSupplier nanoTime;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile @Nullable Sample sample;
  private boolean failing; // guarded by refreshing

  /** Gauges of {@code service}'s database, refreshed at most every {@link #DEFAULT_REFRESH}. */
  public SmsGauges(SmsService service) {
    this(service, DEFAULT_REFRESH);
  }

  /** Gauges of {@code service}'s database, refreshed at most every {@code refresh}. */
  public SmsGauges(SmsService service, Duration refresh) {
    this(Objects.requireNonNull(service, "service")::dispatchStatsAcrossTenants, refresh, System::nanoTime);
  }

  SmsGauges(Supplier<DispatchStats> query, Duration refresh, LongSupplier nanoTime) {
    Objects.requireNonNull(refresh, "refresh");
    if (refresh.isNegative()) {
      throw new IllegalArgumentException("refresh must not be negative: " + refresh);
    }
    this.query = query;
    this.refreshNanos = refresh.toNanos();
    this.nanoTime = nanoTime;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(registry, OUTBOX_MESSAGES, "Messages waiting to be sent for the first time (scheduled included)",
        "queued", DispatchStats::queued);
    gauge(registry, OUTBOX_MESSAGES, "Messages waiting for another attempt after a failure", "retrying",
        DispatchStats::retrying);
    gauge(registry, OUTBOX_MESSAGES, "Messages leased to a dispatcher (being sent)", "sending",
        DispatchStats::sending);
    // Strong references: the registry holds gauges' objects weakly, and nothing else may hold this binder.
    Gauge.builder(OUTBOX_OLDEST_AGE, this, g -> g.value(s -> s.oldestQueuedAge() == null ? 0
            : s.oldestQueuedAge().toNanos() / 1e9))
        .description("How long the longest-waiting due message has waited (0 when none waits)")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MESSAGES_HELD, this, g -> g.value(DispatchStats::held))
        .description("Messages held after a send with an unknown outcome, for the reconciler or an operator")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MESSAGES_FAILED_RECENT, this, g -> g.value(DispatchStats::failedLastHour))
        .description("Outbound messages failed or undelivered in the last hour")
        .strongReference(true)
        .register(registry);
    Gauge.builder(CIRCUITS_OPEN, this, g -> g.value(DispatchStats::openCircuits))
        .description("Provider accounts whose circuit is open now")
        .strongReference(true)
        .register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, String state,
      ToDoubleFunction<DispatchStats> value) {
    Gauge.builder(name, this, g -> g.value(value))
        .description(description)
        .tag("state", state)
        .strongReference(true)
        .register(registry);
  }

  private double value(ToDoubleFunction<DispatchStats> read) {
    DispatchStats stats = sample();
    return stats == null ? Double.NaN : read.applyAsDouble(stats);
  }

  /**
   * The latest sample (taken now when the last one is older than the refresh interval); empty when the query
   * failed. For health checks that should not query again.
   */
  public Optional<DispatchStats> latest() {
    return Optional.ofNullable(sample());
  }

  private @Nullable DispatchStats sample() {
    Sample current = sample;
    if (current != null && nanoTime.getAsLong() - current.takenAt() < refreshNanos) {
      return current.stats();
    }
    if (current != null) {
      if (!refreshing.tryLock()) {
        return current.stats(); // another reader is refreshing: this one keeps the previous sample
      }
    } else {
      refreshing.lock(); // the first read waits for the first sample
    }
    try {
      Sample again = sample;
      if (again != null && again != current) {
        return again.stats(); // refreshed while this reader waited for the lock
      }
      Sample taken = new Sample(query(), nanoTime.getAsLong());
      sample = taken;
      return taken.stats();
    } finally {
      refreshing.unlock();
    }
  }

  private @Nullable DispatchStats query() {
    try {
      DispatchStats stats = query.get();
      if (failing) {
        log.info("smskit gauges: the dispatch statistics can be read again");
        failing = false;
      }
      return stats;
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn("smskit gauges: could not read the dispatch statistics (gauges read NaN until they can): {}",
            e.toString());
        failing = true;
      } else {
        log.debug("smskit gauges: could not read the dispatch statistics: {}", e.toString());
      }
      return null;
    }
  }
}
