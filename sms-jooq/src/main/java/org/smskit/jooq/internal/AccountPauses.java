package org.smskit.jooq.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.smskit.core.Nullable;

/**
 * Provider accounts that asked to slow down (a 429 with {@code Retry-After}): every request to them waits until
 * the instant given, including requests already prepared. A 429 seen in this JVM pauses its account at once; one
 * seen by another dispatcher is read from the account's bucket in the database, at most every
 * {@link #FRESH} per account, just before a request.
 */
public final class AccountPauses {
  /** How long a reading of an account's pause from the database is trusted. */
  static final Duration FRESH = Duration.ofMillis(25);

  private record Key(String tenant, UUID accountId) {}

  private record State(@Nullable Instant pausedUntil, long readAtNanos) {}

  private final Map<Key, State> states = new ConcurrentHashMap<>();

  /** This JVM saw the account's provider ask for a slow-down until {@code end}. */
  public void pause(String tenant, UUID accountId, Instant end) {
    states.merge(new Key(tenant, accountId), new State(end, System.nanoTime()),
        (a, b) -> a.pausedUntil() != null && a.pausedUntil().isAfter(end) ? a : b);
  }

  /** What the database said of the account's pause (null: none). */
  public void read(String tenant, UUID accountId, @Nullable Instant pausedUntil) {
    states.merge(new Key(tenant, accountId), new State(pausedUntil, System.nanoTime()),
        (a, b) -> a.pausedUntil() != null && (b.pausedUntil() == null || a.pausedUntil().isAfter(b.pausedUntil()))
            ? new State(a.pausedUntil(), b.readAtNanos()) : b);
  }

  /** The end of the account's pause as last known, or null. */
  public @Nullable Instant until(String tenant, UUID accountId) {
    State state = states.get(new Key(tenant, accountId));
    return state == null ? null : state.pausedUntil();
  }

  /** True when the database should be asked again. */
  public boolean stale(String tenant, UUID accountId) {
    State state = states.get(new Key(tenant, accountId));
    return state == null || System.nanoTime() - state.readAtNanos() > FRESH.toNanos();
  }
}
