package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.dispatch.DispatchQueue.Lease;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.sending.QuietHours;
import org.smskit.jooq.sending.SendReceipt;

/**
 * Hands leased messages to their providers, a batch at a time, in three steps.
 *
 * <ol>
 *   <li><b>Prepare</b>, one transaction: each message is checked to be still leased to this batch and allowed to
 *       go now (quiet hours, circuit, rate); its rate slot or its circuit's one probe is taken here, just before
 *       the request, not at claim time; the attempt is counted and the message marked {@code sending}. A message
 *       that may not go yet is given back, due when it may, with no attempt spent.
 *   <li><b>Call</b>, outside any transaction: just before each request the batch's lease and the account's pause
 *       (a 429 seen by this JVM) are checked again; a request not made is withdrawn, not counted.
 *   <li><b>Record</b>, one transaction: each outcome is written only where the lease is still this batch's (the
 *       same owner, the same attempt); an outcome whose lease was lost changes nothing.
 * </ol>
 *
 * Shared by {@code SmsService.dispatch} (send now, one message) and the {@link Dispatcher}.
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final SmsContext ctx;
  private final Preparation preparation;
  private final Requests requests;
  private final Outcomes outcomes;

  /**
   * @param setupRetry how long a message waits when its provider cannot even be set up (a credential that cannot
   *     be decrypted): zero for a send now, whose caller hears the error and may retry at once
   */
  Delivery(SmsContext ctx, DispatcherConfig config, DispatchQueue.RatePolicy rates, Duration setupRetry,
      @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    this.ctx = ctx;
    this.preparation = new Preparation(ctx, config, rates, setupRetry, quietHours, optOuts);
    this.requests = new Requests(ctx, config);
    this.outcomes = new Outcomes(ctx, config);
  }

  /**
   * Sends made now by {@code SmsService.dispatch} obey a provider's slow-down and circuits, not the steady rates
   * (a slow-down moves the account's bucket {@code burst} beyond its end, as it does for dispatchers).
   */
  static DispatchQueue.RatePolicy unlimited(Duration burst) {
    return new DispatchQueue.RatePolicy() {
      @Override
      public double numberRate(UUID numberId, PhoneNumber number) {
        return 0;
      }

      @Override
      public double accountRate(UUID accountId, String provider) {
        return 0;
      }

      @Override
      public Duration accountBurst() {
        return burst;
      }
    };
  }

  /** Sends a queued message now; a message not waiting in the outbox, or leased to a dispatcher, is left alone. */
  static SendReceipt sendNow(SmsContext ctx, TenantId tenant, UUID messageId, DispatcherConfig config,
      @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    Delivery delivery = new Delivery(ctx, config, unlimited(config.accountBurst()), Duration.ZERO, quietHours, optOuts);
    String worker = "send-now-" + UUID.randomUUID();
    Batch batch = new Batch(worker, worker, ctx.now().plus(config.lease()));
    Preparation.Prepared prepared = delivery.preparation.prepare(batch, List.of(), Optional.of(new Preparation.Acquire(tenant, messageId)));
    RuntimeException error = prepared.errors().get(messageId);
    if (error != null) {
      throw error;
    }
    Map<UUID, SendReceipt> receipts = new HashMap<>(prepared.done());
    receipts.putAll(delivery.callAndRecord(batch, prepared.calls(), null));
    SendReceipt receipt = receipts.get(messageId);
    if (receipt != null) {
      return receipt;
    }
    return Outcomes.receipt(ctx.read(tenant, r -> r.messages().get(messageId)));
  }

  /** Sends the leased messages of one claim; {@code pool} makes the requests concurrently when given. */
  Map<UUID, SendReceipt> deliver(Batch batch, List<Lease> leases, @Nullable ExecutorService pool) {
    if (leases.isEmpty()) {
      return Map.of();
    }
    Preparation.Prepared prepared;
    try {
      prepared = preparation.prepare(batch, leases, Optional.empty());
    } catch (RuntimeException e) {
      release(batch, leases);
      throw e;
    }
    Map<UUID, SendReceipt> receipts = new HashMap<>(prepared.done());
    receipts.putAll(callAndRecord(batch, prepared.calls(), pool));
    return receipts;
  }

  private Map<UUID, SendReceipt> callAndRecord(Batch batch, List<Call> calls, @Nullable ExecutorService pool) {
    if (calls.isEmpty()) {
      return Map.of();
    }
    requests.refreshPauses(calls);
    List<CallResult> results = new ArrayList<>(calls.size());
    if (pool == null || calls.size() == 1) {
      calls.forEach(c -> results.add(requests.call(batch, c)));
    } else {
      List<Future<CallResult>> futures = new ArrayList<>();
      calls.forEach(c -> futures.add(pool.submit(() -> requests.call(batch, c))));
      for (Future<CallResult> future : futures) {
        results.add(await(future));
      }
    }
    return outcomes.record(batch, results);
  }

  private static CallResult await(Future<CallResult> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true; // the request is in flight: its outcome must still be recorded
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a send task failed", e.getCause());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Gives back leases a failed prepare left behind, so that they go again without waiting for expiry. */
  private void release(Batch batch, List<Lease> leases) {
    try {
      ctx.writeAcross(tx -> {
        for (Lease lease : leases) {
          OutboxRepository outbox = tx.tenant(lease.tenant()).r().outbox();
          outbox.lock(lease.messageId()).filter(e -> batch.owner.equals(e.leaseOwner()))
              .ifPresent(e -> outbox.postpone(lease.messageId(), ctx.now(), null));
        }
        return null;
      });
    } catch (RuntimeException e) {
      log.warn("smskit could not give back {} leases (they expire by themselves): {}", leases.size(), e.toString());
    }
  }
}
