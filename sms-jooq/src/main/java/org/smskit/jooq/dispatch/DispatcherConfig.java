package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;
import org.smskit.jooq.SmsService;

/**
 * How a {@link Dispatcher} works: threads, polling, batches, leases, retries and rate limits. Build with
 * {@link #builder()}; every option has a default.
 *
 * @param workers threads that claim and send (default 2)
 * @param pollInterval how soon an idle worker looks again; doubles while idle, up to {@code maxPollInterval}
 *     (default 100 ms, up to 2 s); a message queued by this JVM wakes the workers at once
 * @param batchSize messages claimed per claim (default 20); a started dispatcher makes the requests of a batch at
 *     once, so this also bounds each worker's requests in flight
 * @param lease how long a claimed message belongs to its worker; a started dispatcher renews the leases of its
 *     messages every third of it while they are in flight, and a worker that dies gives them up when they expire
 *     (default 5 minutes)
 * @param maxAttempts sends tried before a retryable failure becomes final (default 5)
 * @param backoff the wait after the first retryable failure, doubling each time with ±20% jitter, up to
 *     {@code maxBackoff} (default 5 s, up to 15 minutes); a provider's {@code Retry-After} wins when longer
 * @param unknownOutcome what to do when a send's outcome is unknown (default {@link UnknownOutcome#HOLD})
 * @param longCodeRate segments per second of an ordinary number (default 1, Twilio's long-code rate)
 * @param tollFreeRate segments per second of a toll-free number (default 3)
 * @param accountRates segments per second per provider account, by provider name (defaults: twilio 100,
 *     vonage 30; others unlimited)
 * @param numberRateOverrides segments per second for given sender numbers (default none)
 * @param accountRateOverrides segments per second for given sender accounts (default none)
 * @param circuitFailures consecutive retryable failures or unknown outcomes (timeouts) of an account that open its
 *     circuit (default 5)
 * @param circuitOpen how long an open circuit sends through the fallback account before trying again (60 s)
 * @param accountBurst how far ahead of its steady rate a provider account may send at once (default 1 s, so an
 *     account of 100 segments per second may take 100 at once, then 100 per second); numbers never burst
 * @param reconcileInterval how often a started dispatcher looks held messages up at their providers (default
 *     null: only when {@link SmsService#reconcileHeld} is called)
 */
public record DispatcherConfig(
    int workers,
    Duration pollInterval,
    Duration maxPollInterval,
    int batchSize,
    Duration lease,
    int maxAttempts,
    Duration backoff,
    Duration maxBackoff,
    UnknownOutcome unknownOutcome,
    double longCodeRate,
    double tollFreeRate,
    Map<String, Double> accountRates,
    Map<UUID, Double> numberRateOverrides,
    Map<UUID, Double> accountRateOverrides,
    int circuitFailures,
    Duration circuitOpen,
    Duration accountBurst,
    @Nullable Duration reconcileInterval) {

  /** What a dispatcher does when a send's outcome is unknown (the request was written, no answer came). */
  public enum UnknownOutcome {
    /**
     * At most once: the message stays {@code sending} and leaves the outbox, held for reconciliation (the
     * provider's status callback, or an operator); it is never sent again by the library.
     */
    HOLD,
    /** At least once: treat it as a retryable failure and send again, accepting a possible duplicate. */
    RETRY
  }

  public DispatcherConfig {
    atLeastOne("workers", workers);
    atLeastOne("batchSize", batchSize);
    atLeastOne("maxAttempts", maxAttempts);
    atLeastOne("circuitFailures", circuitFailures);
    positive("pollInterval", pollInterval);
    positive("maxPollInterval", maxPollInterval);
    positive("lease", lease);
    positive("backoff", backoff);
    positive("maxBackoff", maxBackoff);
    positive("circuitOpen", circuitOpen);
    Require.nonNull(unknownOutcome, "unknownOutcome");
    Require.nonNull(accountBurst, "accountBurst");
    if (accountBurst.isNegative()) {
      throw new InvalidInputException("accountBurst", "must not be negative");
    }
    if (reconcileInterval != null) {
      positive("reconcileInterval", reconcileInterval);
    }
    if (maxPollInterval.compareTo(pollInterval) < 0) {
      throw new InvalidInputException("maxPollInterval", "must not be shorter than pollInterval");
    }
    if (maxBackoff.compareTo(backoff) < 0) {
      throw new InvalidInputException("maxBackoff", "must not be shorter than backoff");
    }
    if (longCodeRate < 0 || tollFreeRate < 0) {
      throw new InvalidInputException("dispatcher", "rates must not be negative");
    }
    accountRates = Map.copyOf(accountRates);
    numberRateOverrides = Map.copyOf(numberRateOverrides);
    accountRateOverrides = Map.copyOf(accountRateOverrides);
  }

  /**
   * The wait before attempt {@code attempt + 1}: {@link #backoff()} doubled per attempt with ±20% jitter, at most
   * {@link #maxBackoff()}, and at least what the provider asked for ({@code retryAfter}, when it said).
   */
  public Duration backoffAfter(int attempt, @Nullable Duration retryAfter) {
    double base = backoff.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
    double jittered = base * (0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    Duration wait = Duration.ofMillis((long) Math.min(jittered, maxBackoff.toMillis()));
    return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
  }

  private static void atLeastOne(String field, int value) {
    if (value < 1) {
      throw new InvalidInputException(field, "must be at least 1");
    }
  }

  private static void positive(String field, Duration value) {
    Require.nonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidInputException(field, "must be longer than zero");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DispatcherConfig}. */
  public static final class Builder {
    private int workers = 2;
    private Duration pollInterval = Duration.ofMillis(100);
    private Duration maxPollInterval = Duration.ofSeconds(2);
    private int batchSize = 20;
    private Duration lease = Duration.ofMinutes(5);
    private int maxAttempts = 5;
    private Duration backoff = Duration.ofSeconds(5);
    private Duration maxBackoff = Duration.ofMinutes(15);
    private UnknownOutcome unknownOutcome = UnknownOutcome.HOLD;
    private double longCodeRate = 1;
    private double tollFreeRate = 3;
    private final Map<String, Double> accountRates = new HashMap<>(Map.of("twilio", 100.0, "vonage", 30.0));
    private final Map<UUID, Double> numberRates = new HashMap<>();
    private final Map<UUID, Double> accountRateOverrides = new HashMap<>();
    private int circuitFailures = 5;
    private Duration circuitOpen = Duration.ofSeconds(60);
    private Duration accountBurst = Duration.ofSeconds(1);
    private Duration reconcileInterval;

    private Builder() {}

    public Builder workers(int value) { workers = value; return this; }
    public Builder pollInterval(Duration value) { pollInterval = value; return this; }
    public Builder maxPollInterval(Duration value) { maxPollInterval = value; return this; }
    public Builder batchSize(int value) { batchSize = value; return this; }
    public Builder lease(Duration value) { lease = value; return this; }
    public Builder maxAttempts(int value) { maxAttempts = value; return this; }
    public Builder backoff(Duration first, Duration max) { backoff = first; maxBackoff = max; return this; }
    public Builder unknownOutcome(UnknownOutcome value) { unknownOutcome = value; return this; }
    public Builder longCodeRate(double segmentsPerSecond) { longCodeRate = segmentsPerSecond; return this; }
    public Builder tollFreeRate(double segmentsPerSecond) { tollFreeRate = segmentsPerSecond; return this; }

    /** Segments per second for every account of {@code provider}; 0 for unlimited. */
    public Builder accountRate(String provider, double segmentsPerSecond) {
      accountRates.put(provider, segmentsPerSecond);
      return this;
    }

    /** Segments per second for one sender number; 0 for unlimited. */
    public Builder numberRate(UUID numberId, double segmentsPerSecond) {
      numberRates.put(numberId, segmentsPerSecond);
      return this;
    }

    /** Segments per second for one sender account; 0 for unlimited. */
    public Builder accountRate(UUID accountId, double segmentsPerSecond) {
      accountRateOverrides.put(accountId, segmentsPerSecond);
      return this;
    }

    public Builder circuit(int failures, Duration open) { circuitFailures = failures; circuitOpen = open; return this; }

    /** How far ahead of its rate an account may send at once; {@code Duration.ZERO} spaces every segment. */
    public Builder accountBurst(Duration value) { accountBurst = value; return this; }

    /** How often a started dispatcher reconciles held messages (default: never by itself). */
    public Builder reconcileInterval(Duration value) { reconcileInterval = value; return this; }

    public DispatcherConfig build() {
      return new DispatcherConfig(workers, pollInterval, maxPollInterval, batchSize, lease, maxAttempts, backoff,
          maxBackoff, unknownOutcome, longCodeRate, tollFreeRate, accountRates, numberRates, accountRateOverrides,
          circuitFailures, circuitOpen, accountBurst, reconcileInterval);
    }
  }
}
