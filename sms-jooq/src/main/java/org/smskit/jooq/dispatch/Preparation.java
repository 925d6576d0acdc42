package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.StorageException;
import org.smskit.core.TenantId;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.SenderPhoneNumber;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.OutboundMessage;
import org.smskit.core.spi.ProviderOptions;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.DispatchQueue.Bucket;
import org.smskit.jooq.dispatch.DispatchQueue.Circuit;
import org.smskit.jooq.dispatch.DispatchQueue.Lease;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Transitions;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.optout.OptOutPolicy;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.QuietHours;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendTiming;

/**
 * The first step of a delivery, in one transaction: each leased message is checked to be still the batch's and
 * allowed to go now (opt-outs, active sender, quiet hours, circuit, rate); its rate slot or its circuit's one probe is
 * taken here, just before the request, not at claim time; the attempt is counted and the message marked
 * {@code sending}. A message that may not go yet is given back, due when it may, with no attempt spent; one that
 * must never go fails with the reason.
 */
final class Preparation {
  private static final Logger log = LoggerFactory.getLogger(Preparation.class);

  private final SmsContext ctx;
  private final DispatcherConfig config;
  private final DispatchQueue.RatePolicy rates;
  private final Duration setupRetry;
  private final @Nullable QuietHours quietHours;
  private final OptOutPolicy optOuts;

  Preparation(SmsContext ctx, DispatcherConfig config, DispatchQueue.RatePolicy rates, Duration setupRetry,
      @Nullable QuietHours quietHours, OptOutPolicy optOuts) {
    this.ctx = ctx;
    this.config = config;
    this.rates = rates;
    this.setupRetry = setupRetry;
    this.quietHours = quietHours;
    this.optOuts = optOuts;
  }

  /** Prepared calls; receipts of messages that will not be called now; setup errors by message. */
  record Prepared(List<Call> calls, Map<UUID, SendReceipt> done, Map<UUID, RuntimeException> errors) {}

  /** A message a send now leases for itself. */
  record Acquire(TenantId tenant, UUID messageId) {}

  /** A message that passed the first checks, waiting for its circuit and rate slot. */
  private record Candidate(Lease lease, Tx tx, Snapshot snapshot, Message message, OutboxRepository.Entry entry,
      UUID numberId) {}

  /** A request admitted: the call to make, and the message as it is while it is being sent. */
  private record Start(Call call, Message sending, boolean failover) {}

  /**
   * Checks and marks the batch in one transaction. With {@code acquire}, the message is leased here first (a send
   * now), so that a failure before the provider call leaves no lease behind.
   */
  Prepared prepare(Batch batch, List<Lease> leases, Optional<Acquire> acquire) {
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
      // Read what the batch needs a tenant at a time, the messages locked in one order (two batches never share a
      // message, but an expired lease may).
      Map<UUID, Candidate> candidates = new LinkedHashMap<>();
      Map<String, List<Lease>> byTenant = new TreeMap<>();
      batchLeases.forEach(l -> byTenant.computeIfAbsent(l.tenant(), k -> new ArrayList<>()).add(l));
      for (var group : byTenant.entrySet()) {
        Tx t = tx.tenant(group.getKey());
        Snapshot snapshot = Snapshot.load(t.r(), group.getValue(), quietHours != null);
        List<Lease> ordered = new ArrayList<>(group.getValue());
        ordered.sort(Comparator.comparing(Lease::messageId));
        for (Lease lease : ordered) {
          check(t, snapshot, lease, batch, now, done).ifPresent(c -> candidates.put(lease.messageId(), c));
        }
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
      Map<String, List<Start>> starts = new TreeMap<>();
      for (Lease lease : batchLeases) { // priority order, as claimed
        Candidate c = candidates.get(lease.messageId());
        if (c == null) {
          continue;
        }
        try {
          Start start = admit(c, now, buckets, tripped, probing, done);
          if (start != null) {
            starts.computeIfAbsent(lease.tenant(), k -> new ArrayList<>()).add(start);
            calls.add(start.call());
          }
        } catch (StorageException e) {
          throw e;
        } catch (RuntimeException e) {
          // The provider could not be set up (a credential that cannot be decrypted, settings it refuses): no
          // request was made, so no attempt is spent; the message waits and the error is reported.
          log.warn("smskit could not prepare message {} for sending: {}", lease.messageId(), e.toString());
          c.tx().r().outbox().postpone(lease.messageId(), now.plus(setupRetry), e.toString());
          done.put(lease.messageId(), Outcomes.receipt(c.message()));
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
      starts.forEach((tenant, list) -> begin(tx.tenant(tenant), batch, list, now));
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
      done.put(messageId, Outcomes.receipt(message));
      return Optional.empty();
    }
    r.outbox().lease(messageId, batch.owner, now.plus(config.lease()));
    return Optional.of(new Lease(t.tenant().value(), messageId, entry.get().attempts() + 1, accountOf(r, message),
        null, false));
  }

  /** The first checks: still ours, still to be sent, not in quiet hours. */
  private Optional<Candidate> check(Tx t, Snapshot snapshot, Lease lease, Batch batch, Instant now,
      Map<UUID, SendReceipt> done) {
    Repositories r = t.r();
    UUID messageId = lease.messageId();
    Message message = snapshot.message(messageId);
    Optional<OutboxRepository.Entry> entry = snapshot.outbox(messageId);
    if (message == null) {
      return Optional.empty();
    }
    if (entry.isEmpty() || !batch.owner.equals(entry.get().leaseOwner())) {
      // Taken over by another worker after the lease expired, or finished already: not ours to send.
      done.put(messageId, Outcomes.receipt(message));
      return Optional.empty();
    }
    switch (message.status()) {
      case QUEUED, SCHEDULED -> { }
      case SENDING -> {
        // An earlier attempt was interrupted after the message was marked sending: its outcome is unknown.
        if (config.unknownOutcome() == UnknownOutcome.HOLD) {
          Outcomes.hold(t, message, Math.max(1, entry.get().attempts()), "interrupted",
              "an earlier attempt was interrupted; held for reconciliation", now);
          log.warn("smskit holds message {} for reconciliation: an earlier attempt was interrupted", messageId);
          done.put(messageId, Outcomes.receipt(message));
          return Optional.empty();
        }
      }
      default -> {
        r.outbox().remove(messageId); // already sent or final: nothing to do
        done.put(messageId, Outcomes.receipt(message));
        return Optional.empty();
      }
    }
    ServiceAccount svc = snapshot.service(message.serviceAccountId());
    String refusal = refusal(snapshot, message, svc, lease, entry.get());
    if (refusal != null) {
      refuse(t, message, refusal, now);
      done.put(messageId, Outcomes.receipt(r.messages().get(messageId)));
      return Optional.empty();
    }
    if (svc != null && quietHours != null && message.to() instanceof PhoneNumber to) {
      // A retry or a rate-limit wait may have carried a marketing message into the recipient's quiet hours.
      Optional<org.smskit.core.model.Contact> contact = snapshot.contact(to);
      Instant allowed = contact.map(c -> SendTiming.quietAdjusted(ctx.phones(), quietHours, svc, c, now)).orElse(now);
      if (allowed.isAfter(now)) {
        r.outbox().postpone(messageId, allowed, null);
        done.put(messageId, Outcomes.receipt(message));
        return Optional.empty();
      }
    }
    UUID numberId = lease.failover() && lease.numberId() != null ? lease.numberId() : message.senderPhoneNumberId();
    return Optional.of(new Candidate(lease, t, snapshot, message, entry.get(), numberId));
  }

  /**
   * Rules that must hold when a message leaves, not only when it was queued: the recipient has not opted out
   * since (same scopes; a reply to HELP is exempt), and the account, number and service it goes through are still
   * active. Returns the reason it must not go, or null.
   */
  private @Nullable String refusal(Snapshot snapshot, Message message, @Nullable ServiceAccount svc, Lease lease,
      OutboxRepository.Entry entry) {
    if (!entry.optOutExempt() && message.to() instanceof PhoneNumber to) {
      for (OptOut optOut : snapshot.activeOptOuts(to)) {
        if (optOuts.applies(optOut, svc)) {
          return DispatchCodes.OPTED_OUT;
        }
      }
    }
    if (svc != null && !svc.active()) {
      return DispatchCodes.SENDER_DEACTIVATED + ": service " + svc.id();
    }
    UUID numberId = lease.failover() && lease.numberId() != null ? lease.numberId() : message.senderPhoneNumberId();
    if (numberId != null && !snapshot.number(numberId).active()) {
      return DispatchCodes.SENDER_DEACTIVATED + ": number " + numberId;
    }
    SenderAccount account = snapshot.account(lease.accountId());
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
  private @Nullable Start admit(Candidate c, Instant now, Map<Bucket, Instant> buckets,
      Map<Circuit, Instant> tripped, Set<Circuit> probing, Map<UUID, SendReceipt> done) {
    Lease lease = c.lease();
    Repositories r = c.tx().r();
    Snapshot snapshot = c.snapshot();
    UUID messageId = lease.messageId();
    SenderAccount account = snapshot.account(lease.accountId());
    SenderPhoneNumber number = snapshot.number(c.numberId());
    Circuit circuit = new Circuit(lease.tenant(), account.id());
    Instant openUntil = tripped.get(circuit);
    if (openUntil != null && (openUntil.isAfter(now) || probing.contains(circuit))) {
      // Open, or half-open with this batch's probe already chosen: wait without spending an attempt.
      Instant due = openUntil.isAfter(now) ? openUntil : now.plus(Dispatcher.PROBE_WAIT);
      r.outbox().postpone(messageId, due, "circuit open");
      done.put(messageId, Outcomes.receipt(c.message()));
      return null;
    }
    Bucket numberKey = Bucket.number(lease.tenant(), number.id());
    Bucket accountKey = Bucket.account(lease.tenant(), account.id());
    double numberRate = rates.numberRate(number.id(), number.phoneNumber());
    double accountRate = rates.accountRate(account.id(), account.provider());
    Instant ready = DispatchQueue.readyAt(buckets.get(numberKey), numberRate, buckets.get(accountKey), accountRate,
        rates.accountBurst(), now);
    if (ready.isAfter(now)) {
      SmsMetrics.WaitScope scope = DispatchQueue.waitScope(buckets.get(numberKey), numberRate, rates.accountBurst(),
          now);
      long wait = Duration.between(now, ready).toNanos();
      c.tx().onCommit(() -> ctx.metrics().rateLimitWait(scope, wait));
      r.outbox().postpone(messageId, ready, null);
      done.put(messageId, Outcomes.receipt(c.message()));
      return null;
    }
    SmsProvider provider = ctx.providers().provider(c.tx().tenant(), account, r);
    Message sending = c.message().toBuilder().status(MessageStatus.SENDING).build();
    if (lease.failover()) {
      sending = sending.toBuilder().senderPhoneNumberId(number.id()).from(number.phoneNumber())
          .provider(account.provider()).build();
    }
    ServiceAccount svc = snapshot.service(sending.serviceAccountId());
    String messagingService = svc == null || lease.failover() ? null : svc.providerServiceSid();
    OutboundMessage outbound;
    try {
      outbound = OutboundMessage.builder(messageId, sending.to()).from(sending.from())
          .messagingServiceSid(messagingService).body(sending.body()).mediaUrls(snapshot.media(messageId))
          .statusCallbackUrl(ctx.webhookUrl(c.tx().tenant(), account.id()).orElse(null)).build();
      ProviderOptions options = snapshot.providerOptions(messageId);
      if (!options.isEmpty()) {
        // Checked when the message was accepted, by that account's provider; again here, for a fallback's.
        provider.validateOptions(options);
        outbound = options.applyTo(outbound, provider.name());
      }
    } catch (InvalidInputException e) {
      // Nothing any provider could send (no sender, an empty body without media, options this provider refuses):
      // sending later fails the same.
      refuse(c.tx(), c.message(), DispatchCodes.INVALID_REQUEST + ": " + e.getMessage(), now);
      done.put(messageId, Outcomes.receipt(r.messages().get(messageId)));
      return null;
    }
    boolean probe = false;
    if (openUntil != null) {
      // Half-open: this request is the one probe; the circuit counts as open for everyone else meanwhile.
      probe = r.outbox().takeProbe(account.id(), now, now.plus(config.circuitOpen()));
      if (!probe) {
        r.outbox().postpone(messageId, now.plus(Dispatcher.PROBE_WAIT), "circuit open");
        done.put(messageId, Outcomes.receipt(c.message()));
        return null;
      }
      probing.add(circuit);
    }
    int segments = c.message().segmentCount() == null ? 1 : c.message().segmentCount();
    buckets.put(numberKey, DispatchQueue.advance(buckets.get(numberKey), segments, numberRate, now));
    buckets.put(accountKey, DispatchQueue.advance(buckets.get(accountKey), segments, accountRate, now));
    if (lease.failover()) {
      log.info("smskit sends message {} through fallback account {}", messageId, account.id());
    }
    boolean paced = numberRate > 0 || accountRate > 0;
    Call call = new Call(lease, c.entry().attempts() + 1, provider, outbound, account.id(), probe,
        c.message().status(), paced ? now : null);
    return new Start(call, sending, lease.failover());
  }

  /**
   * Counts the admitted attempts of one tenant and marks their messages sending, a handful of statements for the
   * whole batch: the attempts counted and leases renewed, the attempts' start, the messages' status (the fallback
   * sender too, for those failing over), and their history.
   */
  private void begin(Tx tx, Batch batch, List<Start> starts, Instant now) {
    Repositories r = tx.r();
    r.outbox().beginAttempts(batch.owner, batch.worker, starts.stream()
        .map(s -> new OutboxRepository.AttemptStart(s.call().messageId(), s.call().attempt(), s.call().accountId()))
        .toList(), now.plus(config.lease()), now);
    r.messages().markSending(starts.stream().filter(s -> !s.failover()).map(s -> s.call().messageId()).toList());
    r.messages().updateAll(starts.stream().filter(Start::failover).map(Start::sending).toList());
    r.statusEvents().insertAll(starts.stream().map(s -> new MessageStatusEvent(Ids.newId(), s.call().messageId(),
        s.sending().provider(), null, MessageStatus.SENDING, "attempt " + s.call().attempt(), now, null, null, null))
        .toList());
  }

  static UUID accountOf(Repositories r, Message message) {
    return r.senderAccountOf(message)
        .orElseThrow(() -> new InvalidInputException("sender_phone_number_id", "the message names no sender"));
  }
}
