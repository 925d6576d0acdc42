package org.smskit.jooq.dispatch;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.StorageException;
import org.smskit.core.TenantId;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SendResult;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatchQueue.Bucket;
import org.smskit.jooq.dispatch.DispatchQueue.Circuit;
import org.smskit.jooq.dispatch.DispatchQueue.Lease;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.internal.AccountPauses;
import org.smskit.jooq.internal.Across;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Transitions;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.QuietHours;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendTiming;
import org.smskit.jooq.SmsService;

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

  /** How late after its rate slot a request may still be made; later, it is withdrawn and goes again. */
  static final Duration SLOT_TOLERANCE = Duration.ofMillis(100);

  /** Tries at writing the providers' answers: 100 ms, then doubling, about 3 s in all. */
  private static final int OUTCOME_WRITES = 6;

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

  /**
   * The leases of one claim, under one owner token: what the heartbeat renews. The lease end is what this JVM
   * last confirmed in the database; {@code owned} the messages that renewal found still leased.
   */
  static final class Batch {
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

  /**
   * A request about to be made.
   *
   * @param slotAt when its rate slot was taken; null when neither its number nor its account is rate limited
   */
  record Call(Lease lease, int attempt, SmsProvider provider, OutboundMessage outbound, UUID accountId,
      boolean probe, MessageStatus before, @Nullable Instant slotAt) {
    UUID messageId() {
      return lease.messageId();
    }

    String tenant() {
      return lease.tenant();
    }
  }

  /** What became of a call. */
  sealed interface Result {
    Call call();
  }

  record Accepted(Call call, SendResult result) implements Result {}

  record Failed(Call call, ProviderException error) implements Result {}

  /** No request was made after all: the attempt is taken back and the message is due again at {@code dueAt}. */
  record Withdrawn(Call call, Instant dueAt, String reason) implements Result {}

  /** Prepared calls; receipts of messages that will not be called now; setup errors by message. */
  private record Prepared(List<Call> calls, Map<UUID, SendReceipt> done, Map<UUID, RuntimeException> errors) {}

  private final SmsContext ctx;
  private final @Nullable QuietHours quietHours;
  private final OptOutPolicy optOuts;
  private final DispatcherConfig config;
  private final DispatchQueue.RatePolicy rates;
  private final Duration setupRetry;

  /**
   * @param setupRetry how long a message waits when its provider cannot even be set up (a credential that cannot
   *     be decrypted): zero for a send now, whose caller hears the error and may retry at once
   */
  Delivery(SmsContext ctx, DispatcherConfig config, DispatchQueue.RatePolicy rates, Duration setupRetry,
      @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    this.ctx = ctx;
    this.quietHours = quietHours;
    this.optOuts = optOuts;
    this.config = config;
    this.rates = rates;
    this.setupRetry = setupRetry;
  }

  /** Sends a queued message now; a message not waiting in the outbox, or leased to a dispatcher, is left alone. */
  static SendReceipt sendNow(SmsContext ctx, TenantId tenant, UUID messageId, DispatcherConfig config,
      @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    Delivery delivery = new Delivery(ctx, config, unlimited(config.accountBurst()), Duration.ZERO, quietHours,
        optOuts);
    String worker = "send-now-" + UUID.randomUUID();
    Batch batch = new Batch(worker, worker, ctx.now().plus(config.lease()));
    Prepared prepared = delivery.prepare(batch, List.of(), Optional.of(new Acquire(tenant, messageId)));
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
    Message message = ctx.read(tenant, r -> r.messages().get(messageId));
    return new SendReceipt(message.id(), message.status(), false, message.providerErrorCode());
  }

  /** A message a send now leases for itself. */
  private record Acquire(TenantId tenant, UUID messageId) {}

  /** Sends the leased messages of one claim; {@code pool} makes the requests concurrently when given. */
  Map<UUID, SendReceipt> deliver(Batch batch, List<Lease> leases, @Nullable ExecutorService pool) {
    if (leases.isEmpty()) {
      return Map.of();
    }
    Prepared prepared;
    try {
      prepared = prepare(batch, leases, Optional.empty());
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
    List<Result> results = new ArrayList<>(calls.size());
    if (pool == null || calls.size() == 1) {
      calls.forEach(c -> results.add(call(batch, c)));
    } else {
      List<Future<Result>> futures = new ArrayList<>();
      calls.forEach(c -> futures.add(pool.submit(() -> call(batch, c))));
      for (Future<Result> future : futures) {
        results.add(await(future));
      }
    }
    return record(batch, results);
  }

  private static Result await(Future<Result> future) {
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

  // ---------------------------------------------------------------------------------------------------------
  // Prepare

  /** A message that passed the first checks, waiting for its circuit and rate slot. */
  private record Candidate(Lease lease, Tx tx, Message message, OutboxRepository.Entry entry, UUID numberId) {}

  /**
   * Checks and marks the batch in one transaction. With {@code acquire}, the message is leased here first (a send
   * now), so that a failure before the provider call leaves no lease behind.
   */
  private Prepared prepare(Batch batch, List<Lease> leases, Optional<Acquire> acquire) {
    Map<UUID, RuntimeException> errors = new HashMap<>();
    long started = System.nanoTime();
    Instant until = ctx.now().plus(config.lease());
    Prepared prepared = ctx.writeAcross(tx -> {
      errors.clear();
      Instant now = ctx.now();
      Map<UUID, SendReceipt> done = new HashMap<>();
      List<Lease> batchLeases = leases;
      if (acquire.isPresent()) {
        Optional<Lease> acquired = acquire(tx.tenant(acquire.get().tenant().value()), acquire.get().messageId(), batch,
            now, done);
        batchLeases = acquired.map(List::of).orElse(List.of());
      }
      // Lock the messages in one order; two batches never share a message, but an expired lease may.
      Map<UUID, Candidate> candidates = new LinkedHashMap<>();
      List<Lease> ordered = new ArrayList<>(batchLeases);
      ordered.sort(Comparator.comparing(Lease::tenant).thenComparing(Lease::messageId));
      for (Lease lease : ordered) {
        Tx t = tx.tenant(lease.tenant());
        check(t, lease, batch, now, done).ifPresent(c -> candidates.put(lease.messageId(), c));
      }
      if (candidates.isEmpty()) {
        return new Prepared(List.of(), done, Map.copyOf(errors));
      }
      // Buckets, then circuits, each in one fixed order: the order every writer of them takes.
      DispatchQueue queue = DispatchQueue.across(tx.dsl());
      Set<Bucket> bucketKeys = new HashSet<>();
      Set<Circuit> circuitKeys = new HashSet<>();
      for (Candidate c : candidates.values()) {
        bucketKeys.add(Bucket.number(c.lease().tenant(), c.numberId()));
        bucketKeys.add(Bucket.account(c.lease().tenant(), c.lease().accountId()));
        circuitKeys.add(new Circuit(c.lease().tenant(), c.lease().accountId()));
      }
      Map<Bucket, Instant> buckets = queue.lockBuckets(bucketKeys, now);
      Map<Bucket, Instant> before = Map.copyOf(buckets);
      Map<Circuit, Instant> tripped = queue.lockCircuits(circuitKeys);
      Set<Circuit> probing = new HashSet<>();
      List<Call> calls = new ArrayList<>();
      for (Lease lease : batchLeases) { // priority order, as claimed
        Candidate c = candidates.get(lease.messageId());
        if (c == null) {
          continue;
        }
        try {
          Call call = admit(c, batch, now, buckets, tripped, probing, done);
          if (call != null) {
            calls.add(call);
          }
        } catch (StorageException e) {
          throw e;
        } catch (RuntimeException e) {
          // The provider could not be set up (a credential that cannot be decrypted, settings it refuses): no
          // request was made, so no attempt is spent; the message waits and the error is reported.
          log.warn("smskit could not prepare message {} for sending: {}", lease.messageId(), e.toString());
          c.tx().r().outbox().postpone(lease.messageId(), now.plus(setupRetry), e.toString());
          done.put(lease.messageId(), receipt(c.message()));
          errors.put(lease.messageId(), e);
        }
      }
      Map<Bucket, Instant> changed = new TreeMap<>();
      buckets.forEach((k, v) -> {
        if (!v.equals(before.get(k))) {
          changed.put(k, v);
        }
      });
      queue.saveBuckets(changed);
      return new Prepared(calls, done, Map.copyOf(errors));
    });
    // beginAttempt renewed the lease of every message to be called.
    batch.renewed(started, until,
        prepared.calls().stream().map(Call::messageId).collect(java.util.stream.Collectors.toSet()));
    return prepared;
  }

  /** Leases a message for a send now, unless it is not in the outbox, not due yet, or leased by a dispatcher. */
  private Optional<Lease> acquire(Tx t, UUID messageId, Batch batch, Instant now, Map<UUID, SendReceipt> done) {
    Repositories r = t.r();
    Message message = r.messages().find(messageId).orElseThrow(() -> new NotFoundException("message", messageId));
    Optional<OutboxRepository.Entry> entry = r.outbox().lock(messageId);
    boolean leasedByOther = entry.isPresent() && entry.get().leaseOwner() != null
        && entry.get().dueAt().isAfter(now);
    boolean notYet = entry.isPresent() && message.status() == MessageStatus.SCHEDULED
        && entry.get().dueAt().isAfter(now);
    if (entry.isEmpty() || leasedByOther || notYet) {
      done.put(messageId, receipt(message));
      return Optional.empty();
    }
    r.outbox().lease(messageId, batch.owner, now.plus(config.lease()));
    return Optional.of(new Lease(t.tenant().value(), messageId, entry.get().attempts() + 1, accountOf(r, message),
        null, false));
  }

  /** The first checks: still ours, still to be sent, not in quiet hours. */
  private Optional<Candidate> check(Tx t, Lease lease, Batch batch, Instant now, Map<UUID, SendReceipt> done) {
    Repositories r = t.r();
    UUID messageId = lease.messageId();
    Message message = r.messages().lock(messageId).orElse(null);
    Optional<OutboxRepository.Entry> entry = r.outbox().lock(messageId);
    if (message == null) {
      return Optional.empty();
    }
    if (entry.isEmpty() || !batch.owner.equals(entry.get().leaseOwner())) {
      // Taken over by another worker after the lease expired, or finished already: not ours to send.
      done.put(messageId, receipt(message));
      return Optional.empty();
    }
    switch (message.status()) {
      case QUEUED, SCHEDULED -> { }
      case SENDING -> {
        // An earlier attempt was interrupted after the message was marked sending: its outcome is unknown.
        if (config.unknownOutcome() == UnknownOutcome.HOLD) {
          hold(t, message, Math.max(1, entry.get().attempts()), "interrupted",
              "an earlier attempt was interrupted; held for reconciliation", now);
          log.warn("smskit holds message {} for reconciliation: an earlier attempt was interrupted", messageId);
          done.put(messageId, receipt(message));
          return Optional.empty();
        }
      }
      default -> {
        r.outbox().remove(messageId); // already sent or final: nothing to do
        done.put(messageId, receipt(message));
        return Optional.empty();
      }
    }
    ServiceAccount svc = message.serviceAccountId() == null ? null : r.serviceAccounts().get(message.serviceAccountId());
    String refusal = refusal(r, message, svc, lease, entry.get());
    if (refusal != null) {
      refuse(t, message, refusal, now);
      done.put(messageId, receipt(r.messages().get(messageId)));
      return Optional.empty();
    }
    if (svc != null && quietHours != null && message.to() instanceof PhoneNumber to) {
      // A retry or a rate-limit wait may have carried a marketing message into the recipient's quiet hours.
      Optional<org.smskit.core.model.Contact> contact = r.contacts().findByPhone(to);
      Instant allowed = contact.map(c -> SendTiming.quietAdjusted(ctx.phones(), quietHours, svc, c, now)).orElse(now);
      if (allowed.isAfter(now)) {
        r.outbox().postpone(messageId, allowed, null);
        done.put(messageId, receipt(message));
        return Optional.empty();
      }
    }
    UUID numberId = lease.failover() && lease.numberId() != null ? lease.numberId() : message.senderPhoneNumberId();
    return Optional.of(new Candidate(lease, t, message, entry.get(), numberId));
  }

  /**
   * Rules that must hold when a message leaves, not only when it was queued: the recipient has not opted out
   * since (same scopes; a reply to HELP is exempt), and the account, number and service it goes through are still
   * active. Returns the reason it must not go, or null.
   */
  private @Nullable String refusal(Repositories r, Message message, @Nullable ServiceAccount svc, Lease lease,
      OutboxRepository.Entry entry) {
    if (!entry.optOutExempt() && message.to() instanceof PhoneNumber to) {
      for (OptOut optOut : r.optOuts().active(to)) {
        if (optOuts.applies(optOut, svc)) {
          return DispatchCodes.OPTED_OUT;
        }
      }
    }
    if (svc != null && !svc.active()) {
      return DispatchCodes.SENDER_DEACTIVATED + ": service " + svc.id();
    }
    UUID numberId = lease.failover() && lease.numberId() != null ? lease.numberId() : message.senderPhoneNumberId();
    if (numberId != null && !r.phoneNumbers().get(numberId).active()) {
      return DispatchCodes.SENDER_DEACTIVATED + ": number " + numberId;
    }
    SenderAccount account = r.senderAccounts().get(lease.accountId());
    if (!account.active()) {
      return DispatchCodes.SENDER_DEACTIVATED + ": account " + account.id();
    }
    return null;
  }

  /** Fails a message that must not go, without a request or an attempt. */
  private static void refuse(Tx tx, Message message, String reason, Instant now) {
    Repositories r = tx.r();
    int colon = reason.indexOf(':');
    String code = colon < 0 ? reason : reason.substring(0, colon);
    r.outbox().remove(message.id());
    r.held().release(message.id());
    Message failed = Transitions.forward(r, message, MessageStatus.FAILED, code, now).orElse(message);
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), message.provider(), null,
        MessageStatus.FAILED, "refused", now, code, reason, null));
    tx.events().add(new SmsEvent.SendFailed(tx.tenant(), failed, code, reason));
    tx.events().add(new SmsEvent.MessageStatusChanged(tx.tenant(), failed, message.status()));
    log.info("smskit did not send message {}: {}", message.id(), reason);
  }

  /** The circuit and the rate decide; then the attempt is counted and the message marked sending. */
  private @Nullable Call admit(Candidate c, Batch batch, Instant now, Map<Bucket, Instant> buckets,
      Map<Circuit, Instant> tripped, Set<Circuit> probing, Map<UUID, SendReceipt> done) {
    Lease lease = c.lease();
    Repositories r = c.tx().r();
    UUID messageId = lease.messageId();
    SenderAccount account = r.senderAccounts().get(lease.accountId());
    SenderPhoneNumber number = r.phoneNumbers().get(c.numberId());
    Circuit circuit = new Circuit(lease.tenant(), account.id());
    Instant openUntil = tripped.get(circuit);
    if (openUntil != null && (openUntil.isAfter(now) || probing.contains(circuit))) {
      // Open, or half-open with this batch's probe already chosen: wait without spending an attempt.
      Instant due = openUntil.isAfter(now) ? openUntil : now.plus(Dispatcher.PROBE_WAIT);
      r.outbox().postpone(messageId, due, "circuit open");
      done.put(messageId, receipt(c.message()));
      return null;
    }
    Bucket numberKey = Bucket.number(lease.tenant(), number.id());
    Bucket accountKey = Bucket.account(lease.tenant(), account.id());
    double numberRate = rates.numberRate(number.id(), number.phoneNumber());
    double accountRate = rates.accountRate(account.id(), account.provider());
    Instant ready = DispatchQueue.readyAt(buckets.get(numberKey), numberRate, buckets.get(accountKey), accountRate,
        rates.accountBurst(), now);
    if (ready.isAfter(now)) {
      r.outbox().postpone(messageId, ready, null);
      done.put(messageId, receipt(c.message()));
      return null;
    }
    SmsProvider provider = ctx.providers().provider(c.tx().tenant(), account, r);
    Message sending = c.message().toBuilder().status(MessageStatus.SENDING).build();
    if (lease.failover()) {
      sending = sending.toBuilder().senderPhoneNumberId(number.id()).from(number.phoneNumber())
          .provider(account.provider()).build();
    }
    List<URI> media = r.attachments().listByMessage(messageId).stream().map(a -> URI.create(a.fileUrl())).toList();
    ServiceAccount svc = sending.serviceAccountId() == null ? null : r.serviceAccounts().get(sending.serviceAccountId());
    String messagingService = svc == null || lease.failover() ? null : svc.providerServiceSid();
    OutboundMessage outbound;
    try {
      outbound = new OutboundMessage(messageId, sending.to(), sending.from(), messagingService, sending.body(), media,
          ctx.webhookUrl(c.tx().tenant(), account.id()).orElse(null), Map.of());
    } catch (InvalidInputException e) {
      // Nothing any provider could send (no sender, an empty body without media): sending later fails the same.
      refuse(c.tx(), c.message(), DispatchCodes.INVALID_REQUEST + ": " + e.getMessage(), now);
      done.put(messageId, receipt(r.messages().get(messageId)));
      return null;
    }
    boolean probe = false;
    if (openUntil != null) {
      // Half-open: this request is the one probe; the circuit counts as open for everyone else meanwhile.
      probe = r.outbox().takeProbe(account.id(), now, now.plus(config.circuitOpen()));
      if (!probe) {
        r.outbox().postpone(messageId, now.plus(Dispatcher.PROBE_WAIT), "circuit open");
        done.put(messageId, receipt(c.message()));
        return null;
      }
      probing.add(circuit);
    }
    int segments = c.message().segmentCount() == null ? 1 : c.message().segmentCount();
    buckets.put(numberKey, DispatchQueue.advance(buckets.get(numberKey), segments, numberRate, now));
    buckets.put(accountKey, DispatchQueue.advance(buckets.get(accountKey), segments, accountRate, now));

    int attempt = c.entry().attempts() + 1;
    r.outbox().beginAttempt(messageId, batch.owner, attempt, now.plus(config.lease()));
    if (lease.failover()) {
      log.info("smskit sends message {} through fallback account {}", messageId, account.id());
    }
    r.messages().update(sending);
    r.outbox().startAttempt(messageId, attempt, account.id(), batch.worker, now);
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, account.provider(), null,
        MessageStatus.SENDING, "attempt " + attempt, now, null, null, null));
    boolean paced = numberRate > 0 || accountRate > 0;
    return new Call(lease, attempt, provider, outbound, account.id(), probe, c.message().status(),
        paced ? now : null);
  }

  static UUID accountOf(Repositories r, Message message) {
    if (message.senderPhoneNumberId() != null) {
      return r.phoneNumbers().get(message.senderPhoneNumberId()).accountId();
    }
    if (message.serviceAccountId() != null) {
      return r.serviceAccounts().get(message.serviceAccountId()).senderAccountId();
    }
    throw new InvalidInputException("sender_phone_number_id", "the message names no sender");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Call

  /** Makes one request, unless the lease or the account's pause says it must not be made now. */
  private Result call(Batch batch, Call call) {
    Instant now = ctx.now();
    Instant paused = pausedUntil(call);
    if (paused != null && paused.isAfter(now)) {
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
    try {
      return new Accepted(call, call.provider().send(call.outbound()));
    } catch (ProviderException e) {
      log.info("smskit send of {} failed: {} ({})", call.messageId(), e.kind(), e.providerCode().orElse("-"));
      if (e.kind() == ProviderException.Kind.RATE_LIMITED) {
        slowDown(call, e);
      }
      return new Failed(call, e);
    } catch (InvalidInputException e) {
      // The provider's own validation refused the message before any request: sending again fails the same way.
      log.info("smskit: the {} provider refused message {}: {}", call.provider().name(), call.messageId(),
          e.getMessage());
      return new Failed(call, new ProviderException(call.provider().name(), ProviderException.Kind.PERMANENT,
          DispatchCodes.INVALID_REQUEST, 0, null, e.getMessage(), e));
    } catch (RuntimeException e) {
      // Providers throw ProviderException only: anything else is a bug of the provider, not an unknown outcome
      // (it says nothing of whether a request left); the message fails and the bug is logged in full.
      log.error("smskit: the {} provider threw {} while sending {}", call.provider().name(),
          e.getClass().getName(), call.messageId(), e);
      return new Failed(call, new ProviderException(call.provider().name(), ProviderException.Kind.PERMANENT,
          DispatchCodes.PROVIDER_ERROR, 0, null, e.toString(), e));
    }
  }

  /** The end of the account's slow-down: known here, or read from the database when that reading is stale. */
  private @Nullable Instant pausedUntil(Call call) {
    AccountPauses pauses = ctx.pauses();
    if (pauses.stale(call.tenant(), call.accountId())) {
      try {
        Instant stored = ctx.db().inTransaction(TenantId.of(call.tenant()),
            r -> r.outbox().pausedUntil(call.accountId()).orElse(null));
        pauses.read(call.tenant(), call.accountId(), stored);
      } catch (RuntimeException e) {
        log.debug("smskit could not read the pause of account {}: {}", call.accountId(), e.toString());
      }
    }
    return pauses.until(call.tenant(), call.accountId());
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

  // ---------------------------------------------------------------------------------------------------------
  // Record

  /**
   * Writes the outcomes in one transaction, trying again for a few seconds while the database is unreachable (a
   * restart, a dropped connection): given up, a known outcome would become an unknown one. A retried write
   * whose first commit did go through finds the attempts finished and changes nothing.
   */
  private Map<UUID, SendReceipt> record(Batch batch, List<Result> results) {
    long pauseMillis = 100;
    for (int tried = 1; ; tried++) {
      try {
        return ctx.writeAcross(tx -> recordAll(tx, batch, results));
      } catch (StorageException e) {
        if (!e.retryable() || tried == OUTCOME_WRITES) {
          throw e;
        }
        log.warn("smskit could not record the outcome of {} sends (try {} of {}): {}", results.size(), tried,
            OUTCOME_WRITES, e.toString());
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pauseMillis *= 2;
      }
    }
  }

  /** Circuit and bucket changes of a batch's outcomes, written after the messages in the lock order. */
  private static final class Health {
    /** Per account, its calls' outcomes in the order they were recorded (true: a success). */
    final Map<Circuit, List<Boolean>> circuits = new TreeMap<>();
    /** Per account, the end of the slow-down a 429 asked for. */
    final Map<Bucket, Instant> slowDowns = new TreeMap<>();

    void outcome(Circuit circuit, boolean success) {
      circuits.computeIfAbsent(circuit, c -> new ArrayList<>()).add(success);
    }
  }

  private Map<UUID, SendReceipt> recordAll(Across tx, Batch batch, List<Result> results) {
    Instant now = ctx.now();
    Map<UUID, SendReceipt> receipts = new HashMap<>();
    Health health = new Health();
    List<Result> ordered = new ArrayList<>(results);
    ordered.sort(Comparator.comparing((Result x) -> x.call().tenant()).thenComparing(x -> x.call().messageId()));
    for (Result result : ordered) {
      Call call = result.call();
      Tx t = tx.tenant(call.tenant());
      Repositories r = t.r();
      Message message = r.messages().lock(call.messageId()).orElse(null);
      if (message == null) {
        continue; // deleted by the host meanwhile
      }
      Optional<OutboxRepository.Entry> entry = r.outbox().lock(call.messageId());
      boolean owned = entry.isPresent() && batch.owner.equals(entry.get().leaseOwner())
          && entry.get().attempts() == call.attempt();
      SendReceipt receipt;
      if (!owned) {
        receipt = lostLease(t, result, message, now);
      } else if (result instanceof Accepted accepted) {
        receipt = success(t, call, message, accepted.result(), now, health);
      } else if (result instanceof Failed failed) {
        receipt = failure(t, call, message, failed.error(), now, health);
      } else {
        receipt = withdraw(t, call, message, (Withdrawn) result, now);
      }
      receipts.put(call.messageId(), receipt);
    }
    for (var slow : health.slowDowns.entrySet()) {
      tx.tenant(slow.getKey().tenant()).r().outbox().slowDownAccount(slow.getKey().target(),
          slow.getValue().plus(config.accountBurst()));
    }
    for (var circuit : health.circuits.entrySet()) {
      OutboxRepository outbox = tx.tenant(circuit.getKey().tenant()).r().outbox();
      for (boolean success : circuit.getValue()) {
        if (success) {
          outbox.recordSuccess(circuit.getKey().accountId(), now);
        } else {
          outbox.recordFailure(circuit.getKey().accountId(), config.circuitFailures(), now,
              now.plus(config.circuitOpen()));
        }
      }
    }
    return receipts;
  }

  /**
   * The lease was lost during the call (it ran out, another worker took the message over): nothing of the
   * message changes. A provider's acceptance is still worth keeping: it goes into the history, where the
   * reconciler finds the provider's id.
   */
  private SendReceipt lostLease(Tx t, Result result, Message message, Instant now) {
    Call call = result.call();
    if (result instanceof Accepted accepted) {
      SendResult sent = accepted.result();
      t.r().statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), call.provider().name(),
          sent.providerMessageId(), MessageStatus.SENDING, DispatchCodes.LEASE_LOST_ANSWER, now, null, sent.rawResponse(), null));
      log.warn("smskit: {} accepted message {} (attempt {}) after this worker's lease was lost; its id {} is kept"
          + " in the history for reconciliation", call.provider().name(), message.id(), call.attempt(),
          sent.providerMessageId());
    } else if (result instanceof Withdrawn withdrawn && heldForThisAttempt(t.r(), message, call)) {
      // Another worker took the message over while this one decided not to call, found it sending and held it
      // (interrupted, outcome unknown). No request was made for that attempt: it is provably unsent, so it goes
      // back to the queue instead of waiting for a reconciler or an operator.
      Repositories r = t.r();
      r.held().release(message.id());
      ServiceAccount svc = message.serviceAccountId() == null ? null
          : r.serviceAccounts().find(message.serviceAccountId()).orElse(null);
      r.outbox().requeue(message.id(), SendTiming.priority(svc), withdrawn.dueAt(), call.attempt() - 1);
      r.outbox().withdrawAttempt(message.id(), call.attempt(), withdrawn.dueAt(), withdrawn.reason());
      Message back = Transitions.requeue(r, message, message.providerErrorCode()).orElse(message);
      r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), call.provider().name(), null,
          MessageStatus.QUEUED, "withdrawn", now, null, "held after a lost lease, but no request was made", null));
      return receipt(back);
    } else {
      log.warn("smskit: the outcome of attempt {} of message {} is not written: the lease was lost", call.attempt(),
          message.id());
    }
    return receipt(message);
  }

  /** True when the message is held because of {@code call}'s attempt, found interrupted by another worker. */
  private static boolean heldForThisAttempt(Repositories r, Message message, Call call) {
    return message.status() == MessageStatus.SENDING && message.providerMessageSid() == null
        && r.outbox().lock(message.id()).isEmpty()
        && r.held().lock(message.id()).filter(h -> h.attempt() == call.attempt() && h.reason().equals("interrupted"))
            .isPresent();
  }

  private SendReceipt success(Tx tx, Call call, Message message, SendResult result, Instant now, Health health) {
    Repositories r = tx.r();
    String provider = call.provider().name();
    r.outbox().remove(call.messageId());
    r.outbox().finishAttempt(call.messageId(), call.attempt(), "sent", null, now);
    health.outcome(new Circuit(call.tenant(), call.accountId()), true);
    // Serialised with status reports of the same provider id, so that a report racing this write is never lost.
    r.statusEvents().lockProviderId(provider, result.providerMessageId());
    Message withSid = message.toBuilder()
        .provider(provider)
        .providerMessageSid(result.providerMessageId())
        .providerPayload(result.rawResponse())
        .providerErrorCode(null)
        .segmentCount(result.segments() != null ? result.segments() : message.segmentCount())
        .build();
    for (String part : result.partIds()) {
      if (!part.equals(result.providerMessageId())) {
        r.messageKeys().claim(MessageKeyRepository.Kind.PART, provider + ":" + part, call.messageId());
      }
    }
    Message applied = Transitions.report(tx, withSid, result.status(), result.status().dbValue(), null,
        now, result.rawResponse(), provider, result.providerMessageId()).message();
    // Reports that arrived before we knew the provider's id now find their message.
    Set<String> ids = new java.util.LinkedHashSet<>(result.partIds());
    ids.add(result.providerMessageId());
    for (String id : ids) {
      if (!id.equals(result.providerMessageId())) {
        r.statusEvents().lockProviderId(provider, id);
      }
      for (var event : r.statusEvents().listUnmatched(provider, id, call.accountId())) {
        r.statusEvents().delete(event.id());
        applied = Transitions.report(tx, applied, event.status(), event.providerStatus(),
            event.providerErrorCode(), event.occurredAt(), event.rawPayload(), provider, id).message();
      }
    }
    return new SendReceipt(applied.id(), applied.status(), false, applied.providerErrorCode());
  }

  private SendReceipt failure(Tx tx, Call call, Message message, ProviderException e, Instant now, Health health) {
    Repositories r = tx.r();
    UUID messageId = call.messageId();
    String provider = call.provider().name();
    String code = e.providerCode().orElse(e.kind().name().toLowerCase(Locale.ROOT));
    boolean unknown = e.kind() == ProviderException.Kind.OUTCOME_UNKNOWN;
    if (e.retryable() || unknown) {
      // A provider that times out is failing as surely as one that answers 5xx: it counts towards the circuit
      // (the timed-out message itself follows the unknown-outcome policy; only later messages fail over).
      health.outcome(new Circuit(call.tenant(), call.accountId()), false);
    }
    if (e.kind() == ProviderException.Kind.RATE_LIMITED) {
      health.slowDowns.merge(Bucket.account(call.tenant(), call.accountId()),
          now.plus(e.retryAfter().orElse(config.backoff())), (a, b) -> a.isAfter(b) ? a : b);
    }
    if (message.status() != MessageStatus.SENDING) {
      // A status report moved the message on while the request was out: the provider has it, whatever this
      // answer (a late timeout) says. Nothing is resent and the status stays where the report put it.
      r.outbox().remove(messageId);
      r.outbox().finishAttempt(messageId, call.attempt(), "reported", code, now);
      return receipt(message);
    }
    boolean retry = e.retryable() || unknown && config.unknownOutcome() == UnknownOutcome.RETRY;
    Message sending = message.toBuilder().provider(provider).build();
    MessageStatus next;
    String attemptOutcome;
    Message stored;
    if (retry && call.attempt() < config.maxAttempts()) {
      next = MessageStatus.QUEUED;
      attemptOutcome = unknown ? "unknown" : "retry";
      r.outbox().release(messageId, now.plus(config.backoffAfter(call.attempt(), e.retryAfter().orElse(null))),
          e.getMessage());
      stored = Transitions.requeue(r, sending, code).orElseThrow();
    } else if (unknown) {
      next = MessageStatus.SENDING; // held for reconciliation: never sent again by the library
      attemptOutcome = "held";
      r.outbox().remove(messageId);
      r.held().hold(messageId, call.attempt(), "outcome_unknown", now);
      stored = r.messages().update(sending.toBuilder().providerErrorCode(code).build());
    } else {
      next = MessageStatus.FAILED;
      attemptOutcome = "failed";
      r.outbox().remove(messageId);
      stored = Transitions.forward(r, sending, MessageStatus.FAILED, code, now).orElseThrow();
    }
    r.outbox().finishAttempt(messageId, call.attempt(), attemptOutcome, code, now);
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, provider, null, next,
        e.kind().name().toLowerCase(Locale.ROOT), now, code, e.getMessage(), null));
    if (next == MessageStatus.FAILED) {
      tx.events().add(new SmsEvent.SendFailed(tx.tenant(), stored, code, e.getMessage()));
      tx.events().add(new SmsEvent.MessageStatusChanged(tx.tenant(), stored, message.status()));
    }
    if (e.kind() == ProviderException.Kind.RECIPIENT_OPTED_OUT && stored.to() instanceof PhoneNumber to) {
      UUID serviceId = stored.serviceAccountId();
      OptOut optOut = r.optOuts().optOut(OptOut.of(to, serviceId == null ? OptOutScope.ALL : OptOutScope.SERVICE,
          serviceId, null, OptOutSource.PROVIDER, null, provider, now));
      tx.events().add(new SmsEvent.RecipientOptedOut(tx.tenant(), optOut));
    }
    if (next == MessageStatus.SENDING) {
      log.warn("smskit holds message {} for reconciliation: {}", messageId, e.getMessage());
    }
    return new SendReceipt(stored.id(), stored.status(), false, code);
  }

  /** No request was made: the attempt is taken back and the message waits, as it was before. */
  private SendReceipt withdraw(Tx tx, Call call, Message message, Withdrawn withdrawn, Instant now) {
    Repositories r = tx.r();
    Optional<Message> requeued = call.before() == MessageStatus.SENDING ? Optional.empty()
        : Transitions.requeue(r, message, message.providerErrorCode());
    Message back = requeued.orElse(message);
    if (requeued.isPresent()) {
      r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), call.provider().name(), null,
          MessageStatus.QUEUED, "withdrawn", now, null, withdrawn.reason(), null));
    }
    r.outbox().withdrawAttempt(message.id(), call.attempt(), withdrawn.dueAt(), withdrawn.reason());
    return receipt(back);
  }

  /** Holds a message whose outcome is unknown: out of the outbox, into the held messages, in the history. */
  static void hold(Tx tx, Message message, int attempt, String reason, String note, Instant now) {
    Repositories r = tx.r();
    r.outbox().remove(message.id());
    r.held().hold(message.id(), attempt, reason, now);
    r.outbox().startAttempt(message.id(), attempt, null, "holder", now);
    r.outbox().finishAttempt(message.id(), attempt, "held", reason, now);
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), message.provider(), null,
        MessageStatus.SENDING, "held", now, reason, note, null));
  }

  private static SendReceipt receipt(Message message) {
    return new SendReceipt(message.id(), message.status(), false, message.providerErrorCode());
  }

}
