package org.smskit.jooq.dispatch;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.smskit.core.Nullable;

/**
 * The leases of one claim, under one owner token: what the heartbeat renews. The lease end is what this JVM
 * last confirmed in the database; {@code owned} the messages that renewal found still leased.
 */
final class Batch {
  /** The worker (thread) that sends the batch, as recorded in the attempts. */
  final String worker;
  /** The lease owner token: unique per claim, so that a lease is never mistaken for a later one. */
  final String owner;
  private volatile Instant leaseUntil;
  private volatile @Nullable Set<UUID> owned;
  private long renewalStarted = Long.MIN_VALUE;

  Batch(String worker, String owner, Instant leaseUntil) {
    this.worker = worker;
    this.owner = owner;
    this.leaseUntil = leaseUntil;
  }

  Instant leaseUntil() {
    return leaseUntil;
  }

  /**
   * The database confirmed the lease of {@code stillOwned} until {@code until}, by a renewal that started at
   * {@code startedNanos} ({@link System#nanoTime}); an answer older than the last one applied is ignored (a
   * heartbeat that ran before the claim committed found nothing to renew).
   */
  synchronized void renewed(long startedNanos, Instant until, Set<UUID> stillOwned) {
    if (startedNanos - renewalStarted < 0) {
      return;
    }
    renewalStarted = startedNanos;
    owned = Set.copyOf(stillOwned);
    leaseUntil = until;
  }

  boolean lost(UUID messageId) {
    Set<UUID> known = owned;
    return known != null && !known.contains(messageId);
  }
}
