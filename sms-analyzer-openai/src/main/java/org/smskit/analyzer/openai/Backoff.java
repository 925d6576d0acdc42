package org.smskit.analyzer.openai;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;
import org.smskit.core.Nullable;

/**
 * How long to wait before the next attempt: exponential backoff with full jitter (a uniform wait between 0 and
 * {@code min(cap, base * 2^(attempt - 1))}, so that workers throttled together do not retry together), or what the
 * server asked for in {@code Retry-After}.
 *
 * @param jitter given a bound in milliseconds, a wait from 0 to that bound (random; fixed in tests)
 */
record Backoff(Duration base, Duration cap, LongUnaryOperator jitter, Sleeper sleeper) {

  static final Duration BASE = Duration.ofMillis(500);
  static final Duration CAP = Duration.ofSeconds(20);

  /** Pauses the calling thread; a test records the waits instead. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    Sleeper THREAD = duration -> Thread.sleep(duration.toMillis());
  }

  static Backoff standard() {
    return new Backoff(BASE, CAP, bound -> ThreadLocalRandom.current().nextLong(bound + 1), Sleeper.THREAD);
  }

  /**
   * The wait after failed attempt {@code attempt} (1 for the first), or null when the server asked for more than
   * {@link #cap()}: then waiting here would hold the worker too long, and the caller should reschedule instead.
   */
  @Nullable Duration after(int attempt, @Nullable Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(cap) > 0 ? null : retryAfter;
    }
    long bound = base.toMillis() << Math.min(attempt - 1, 20); // no overflow: 20 doublings of any sane base fit
    return Duration.ofMillis(jitter.applyAsLong(Math.min(bound, cap.toMillis())));
  }
}
