package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.metrics.SmsMetrics.Operation;
import org.smskit.core.metrics.SmsMetrics.RequestOutcome;
import org.smskit.core.spi.ProviderException;
import org.smskit.jooq.dispatch.CallResult.Accepted;
import org.smskit.jooq.dispatch.CallResult.Failed;
import org.smskit.jooq.dispatch.CallResult.Withdrawn;
import org.smskit.jooq.internal.AccountPauses;
import org.smskit.jooq.internal.SmsContext;

/**
 * The second step of a delivery, outside any transaction: one request per call, made only while the batch's lease is
 * confirmed, the account is not paused (a 429) and the rate slot is fresh; a request not made is withdrawn.
 */
final class Requests {
  private static final Logger log = LoggerFactory.getLogger(Requests.class);

  /** How late after its rate slot a request may still be made; later, it is withdrawn and goes again. */
  static final Duration SLOT_TOLERANCE = Duration.ofMillis(100);

  private final SmsContext ctx;
  private final DispatcherConfig config;

  Requests(SmsContext ctx, DispatcherConfig config) {
    this.ctx = ctx;
    this.config = config;
  }

  /** Makes one request, unless the lease or the account's pause says it must not be made now. */
  CallResult call(Batch batch, Call call) {
    Instant now = ctx.now();
    Instant paused = pausedUntil(call);
    if (paused != null && paused.isAfter(now)) {
      ctx.metrics().rateLimitWait(SmsMetrics.WaitScope.SLOW_DOWN, Duration.between(now, paused).toNanos());
      return new Withdrawn(call, paused, "the provider asked to slow down");
    }
    if (batch.leaseUntil().minus(config.lease().dividedBy(2)).isBefore(now)) {
      renew(batch);
    }
    if (call.slotAt() != null && now.isAfter(call.slotAt().plus(SLOT_TOLERANCE))) {
      // The rate slot was taken for then, not for now: sent this late, it would crowd the requests of the slots
      // after it (a provider that was slow to answer the previous requests of this batch).
      return new Withdrawn(call, now, "its rate slot passed before the request could be made");
    }
    if (batch.lost(call.messageId()) || !batch.leaseUntil().isAfter(now)) {
      // Another worker may own the message now: no request, and the outcome write will change nothing.
      return new Withdrawn(call, now, "the lease ran out before the request");
    }
    String provider = call.provider().name();
    long started = System.nanoTime();
    try {
      Accepted accepted = new Accepted(call, call.provider().send(call.outbound()));
      ctx.metrics().providerRequest(provider, Operation.SEND, RequestOutcome.SUCCESS, null,
          System.nanoTime() - started);
      return accepted;
    } catch (ProviderException e) {
      ctx.metrics().providerRequest(provider, Operation.SEND, outcome(e.kind()), e.kind(),
          System.nanoTime() - started);
      log.info("smskit send of {} failed: {} ({})", call.messageId(), e.kind(), e.providerCode().orElse("-"));
      if (e.kind() == ProviderException.Kind.RATE_LIMITED) {
        slowDown(call, e);
      }
      return new Failed(call, e);
    } catch (InvalidInputException e) {
      // The provider's own validation refused the message before any request: sending again fails the same way.
      ctx.metrics().providerRequest(provider, Operation.SEND, RequestOutcome.FAILURE,
          ProviderException.Kind.PERMANENT, System.nanoTime() - started);
      log.info("smskit: the {} provider refused message {}: {}", call.provider().name(), call.messageId(),
          e.getMessage());
      return new Failed(call, new ProviderException(call.provider().name(), ProviderException.Kind.PERMANENT,
          DispatchCodes.INVALID_REQUEST, 0, null, e.getMessage(), e));
    } catch (RuntimeException e) {
      // Providers throw ProviderException only: anything else is a bug of the provider, not an unknown outcome
      // (it says nothing of whether a request left); the message fails and the bug is logged in full.
      ctx.metrics().providerRequest(provider, Operation.SEND, RequestOutcome.FAILURE,
          ProviderException.Kind.PERMANENT, System.nanoTime() - started);
      log.error("smskit: the {} provider threw {} while sending {}", call.provider().name(),
          e.getClass().getName(), call.messageId(), e);
      return new Failed(call, new ProviderException(call.provider().name(), ProviderException.Kind.PERMANENT,
          DispatchCodes.PROVIDER_ERROR, 0, null, e.toString(), e));
    }
  }

  /** How a request that failed with {@code kind} ended, for metrics. */
  static RequestOutcome outcome(ProviderException.Kind kind) {
    return kind == ProviderException.Kind.OUTCOME_UNKNOWN ? RequestOutcome.UNKNOWN : RequestOutcome.FAILURE;
  }

  /**
   * Reads the pauses of the batch's accounts once before its requests are made together, so that each request
   * finds a fresh reading instead of asking the database itself.
   */
  void refreshPauses(List<Call> calls) {
    calls.stream().map(c -> new TenantAccount(c.tenant(), c.accountId())).distinct()
        .forEach(a -> pausedUntil(a.tenant(), a.accountId()));
  }

  private record TenantAccount(String tenant, UUID accountId) {}

  private @Nullable Instant pausedUntil(Call call) {
    return pausedUntil(call.tenant(), call.accountId());
  }

  /** The end of the account's slow-down: known here, or read from the database when that reading is stale. */
  private @Nullable Instant pausedUntil(String tenant, UUID accountId) {
    AccountPauses pauses = ctx.pauses();
    if (pauses.stale(tenant, accountId)) {
      try {
        Instant stored = ctx.db().inTransaction(TenantId.of(tenant), r -> r.outbox().pausedUntil(accountId)
            .orElse(null));
        pauses.read(tenant, accountId, stored);
      } catch (RuntimeException e) {
        log.debug("smskit could not read the pause of account {}: {}", accountId, e.toString());
      }
    }
    return pauses.until(tenant, accountId);
  }

  /** Renews every lease of the batch now; messages it no longer holds are not called. */
  void renew(Batch batch) {
    Instant until = ctx.now().plus(config.lease());
    long started = System.nanoTime();
    try {
      Set<UUID> owned = ctx.db().inTransactionAcrossTenants(dsl ->
          DispatchQueue.across(dsl).renewLeases(batch.owner, until));
      batch.renewed(started, until, owned);
    } catch (RuntimeException e) {
      log.warn("smskit could not renew the leases of {}: {}", batch.owner, e.toString());
    }
  }

  /**
   * A 429: every further request of this JVM to the account waits at once, and other dispatchers learn of it
   * from the account's pause, written now rather than with the batch's outcomes (which also move the account's
   * rate bucket, so that claims and prepares wait too).
   */
  private void slowDown(Call call, ProviderException e) {
    Instant until = ctx.now().plus(e.retryAfter().orElse(config.backoff()));
    ctx.pauses().pause(call.tenant(), call.accountId(), until);
    try {
      ctx.writeAcross(tx -> {
        tx.tenant(call.tenant()).r().outbox().pauseAccount(call.accountId(), until);
        return null;
      });
    } catch (RuntimeException storage) {
      log.warn("smskit could not store the slow-down of account {}: {}", call.accountId(), storage.toString());
    }
  }
}
