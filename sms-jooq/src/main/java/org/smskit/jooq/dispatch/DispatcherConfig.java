package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.Require;

/**
 * How a {@link Dispatcher} works: threads, polling, batches, leases, retries and rate limits. Build with
 * {@link #builder()}; every option has a default (a class, not a record, so that new options break no caller):
 *
 * <ul>
 *   <li>{@code workers}: threads that claim and send (default 2)
 *   <li>{@code pollInterval}: how soon an idle worker looks again; doubles while idle, up to {@code maxPollInterval}
 *     (default 100 ms, up to 2 s); a message queued by this JVM wakes the workers at once
 *   <li>{@code batchSize}: messages claimed per claim (default 20); a started dispatcher makes the requests of a batch
 *     at once, so this also bounds each worker's requests in flight
 *   <li>{@code lease}: how long a claimed message belongs to its worker; a started dispatcher renews the leases of its
 *     messages every third of it while they are in flight, and a worker that dies gives them up when they expire
 *     (default 5 minutes)
 *   <li>{@code maxAttempts}: sends tried before a retryable failure becomes final (default 5)
 *   <li>{@code backoff}: the wait after the first retryable failure, doubling each time with ±20% jitter, up to {@code
 *     maxBackoff} (default 5 s, up to 15 minutes); a provider's {@code Retry-After} wins when longer
 *   <li>{@code unknownOutcome}: what to do when a send's outcome is unknown (default {@link UnknownOutcome#HOLD})
 *   <li>{@code longCodeRate}: segments per second of an ordinary number (default 1, Twilio's long-code rate)
 *   <li>{@code tollFreeRate}: segments per second of a toll-free number (default 3)
 *   <li>{@code accountRates}: segments per second per provider account, by provider name (defaults: twilio 100, vonage
 *     30; others unlimited)
 *   <li>{@code numberRateOverrides}: segments per second for given sender numbers (default none)
 *   <li>{@code accountRateOverrides}: segments per second for given sender accounts (default none)
 *   <li>{@code circuitFailures}: consecutive retryable failures or unknown outcomes (timeouts) of an account that open
 *     its circuit (default 5)
 *   <li>{@code circuitOpen}: how long an open circuit sends through the fallback account before trying again (60 s)
 *   <li>{@code accountBurst}: how far ahead of its steady rate a provider account may send at once (default 1 s, so an
 *     account of 100 segments per second may take 100 at once, then 100 per second); numbers never burst
 *   <li>{@code reconcileInterval}: how often a started dispatcher looks held messages up at their providers (default
 *     null: only when {@code SmsService.reconcileHeld()} is called)
 * </ul>
 */
public final class DispatcherConfig {
  private final int workers;
  private final Duration pollInterval;
  private final Duration maxPollInterval;
  private final int batchSize;
  private final Duration lease;
  private final int maxAttempts;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final UnknownOutcome unknownOutcome;
  private final double longCodeRate;
  private final double tollFreeRate;
  private final Map<String, Double> accountRates;
  private final Map<UUID, Double> numberRateOverrides;
  private final Map<UUID, Double> accountRateOverrides;
  private final int circuitFailures;
  private final Duration circuitOpen;
  private final Duration accountBurst;
  private final @Nullable Duration reconcileInterval;

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

  private DispatcherConfig(Builder b) {
    int workers = b.workers;
    Duration pollInterval = b.pollInterval;
    Duration maxPollInterval = b.maxPollInterval;
    int batchSize = b.batchSize;
    Duration lease = b.lease;
    int maxAttempts = b.maxAttempts;
    Duration backoff = b.backoff;
    Duration maxBackoff = b.maxBackoff;
    UnknownOutcome unknownOutcome = b.unknownOutcome;
    double longCodeRate = b.longCodeRate;
    double tollFreeRate = b.tollFreeRate;
    Map<String, Double> accountRates = b.accountRates;
    Map<UUID, Double> numberRateOverrides = b.numberRateOverrides;
    Map<UUID, Double> accountRateOverrides = b.accountRateOverrides;
    int circuitFailures = b.circuitFailures;
    Duration circuitOpen = b.circuitOpen;
    Duration accountBurst = b.accountBurst;
    Duration reconcileInterval = b.reconcileInterval;
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
    this.workers = workers;
    this.pollInterval = pollInterval;
    this.maxPollInterval = maxPollInterval;
    this.batchSize = batchSize;
    this.lease = lease;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.maxBackoff = maxBackoff;
    this.unknownOutcome = unknownOutcome;
    this.longCodeRate = longCodeRate;
    this.tollFreeRate = tollFreeRate;
    this.accountRates = Map.copyOf(accountRates);
    this.numberRateOverrides = Map.copyOf(numberRateOverrides);
    this.accountRateOverrides = Map.copyOf(accountRateOverrides);
    this.circuitFailures = circuitFailures;
    this.circuitOpen = circuitOpen;
    this.accountBurst = accountBurst;
    this.reconcileInterval = reconcileInterval;
  }

  public int workers() {
    return workers;
  }

  public Duration pollInterval() {
    return pollInterval;
  }

  public Duration maxPollInterval() {
    return maxPollInterval;
  }

  public int batchSize() {
    return batchSize;
  }

  public Duration lease() {
    return lease;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration backoff() {
    return backoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public UnknownOutcome unknownOutcome() {
    return unknownOutcome;
  }

  public double longCodeRate() {
    return longCodeRate;
  }

  public double tollFreeRate() {
    return tollFreeRate;
  }

  public Map<String, Double> accountRates() {
    return accountRates;
  }

  public Map<UUID, Double> numberRateOverrides() {
    return numberRateOverrides;
  }

  public Map<UUID, Double> accountRateOverrides() {
    return accountRateOverrides;
  }

  public int circuitFailures() {
    return circuitFailures;
  }

  public Duration circuitOpen() {
    return circuitOpen;
  }

  public Duration accountBurst() {
    return accountBurst;
  }

  public @Nullable Duration reconcileInterval() {
    return reconcileInterval;
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
    private final Map<UUID, Double> numberRateOverrides = new HashMap<>();
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
      numberRateOverrides.put(numberId, segmentsPerSecond);
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
      return new DispatcherConfig(this);
    }
  }
}
