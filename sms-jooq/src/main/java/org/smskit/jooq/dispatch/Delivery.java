package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.TenantId;
import org.smskit.core.model.Message;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatchQueue.Lease;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;
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
    Preparation.Prepared prepared;
    try {
      prepared = delivery.preparation.prepare(batch, List.of(), Optional.of(new Preparation.Acquire(tenant, messageId)));
    } catch (RuntimeException e) {
      // The attempt this call counted is whichever is open under its worker, unique to this call.
      delivery.giveBack(batch, List.of(new Claimed(tenant.value(), messageId, 0)));
      throw e;
    }
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
      giveBack(batch, leases.stream().map(l -> new Claimed(l.tenant(), l.messageId(), l.attempt())).toList());
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

  /**
   * A message a failed prepare may have left leased to its batch: {@code attempt} is the one that prepare would
   * have counted, or 0 for whichever attempt is open under the batch's worker (a send now, whose worker is unique).
   */
  private record Claimed(String tenant, UUID messageId, int attempt) {}

  /**
   * Gives back what a failed prepare left leased to its batch, so that it goes again without waiting for the lease
   * to expire. A prepare can fail after its commit reached the database (the connection lost as it committed):
   * its messages are then marked sending with an attempt counted, yet no request was made, so the attempt is
   * withdrawn and the message waits as before. Held for reconciliation instead, it would never be sent.
   */
  private void giveBack(Batch batch, List<Claimed> claimed) {
    try {
      // Tried again for a few seconds, as outcomes are: given up, a counted attempt would be held once its lease
      // ran out, as if a request might have left.
      Outcomes.writeRetrying(ctx, "give back " + claimed.size() + " leases", tx -> {
        Instant now = ctx.now();
        Map<String, List<Claimed>> byTenant = new TreeMap<>();
        claimed.forEach(c -> byTenant.computeIfAbsent(c.tenant(), k -> new ArrayList<>()).add(c));
        for (var group : byTenant.entrySet()) {
          Tx t = tx.tenant(group.getKey());
          Repositories r = t.r();
          List<UUID> ids = group.getValue().stream().map(Claimed::messageId).sorted().toList();
          // Messages, then outbox rows, each in id order: the order preparing a batch takes.
          Map<UUID, Message> messages = r.messages().lockAll(ids);
          Map<UUID, OutboxRepository.Entry> outbox = r.outbox().lockAll(ids);
          for (Claimed c : group.getValue()) {
            Message message = messages.get(c.messageId());
            OutboxRepository.Entry entry = outbox.get(c.messageId());
            if (message == null || entry == null || !batch.owner.equals(entry.leaseOwner())) {
              continue; // not leased to this batch: the prepare finished with it, or another worker has it
            }
            int attempt = entry.attempts();
            boolean counted = message.status() == MessageStatus.SENDING && attempt > 0
                && (c.attempt() == 0 || c.attempt() == attempt)
                && r.outbox().attemptOpen(c.messageId(), attempt, batch.worker);
            if (counted) {
              // Sending before this attempt too only when an earlier one was interrupted (at-least-once).
              boolean wasSending = attempt > 1 && r.outbox().attemptOpen(c.messageId(), attempt - 1, null);
              Outcomes.withdrawUnsent(t, message, attempt, wasSending, message.provider(), now, now,
                  "the commit that prepared the request was lost; no request was made");
              log.warn("smskit gives back message {}: attempt {} was prepared but its commit was not confirmed,"
                  + " and no request was made", c.messageId(), attempt);
            } else {
              r.outbox().postpone(c.messageId(), now, null);
            }
          }
        }
        return null;
      });
    } catch (RuntimeException e) {
      log.warn("smskit could not give back {} leases (they expire by themselves): {}", claimed.size(), e.toString());
    }
  }
}
