package org.smskit.jooq;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.StorageException;
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
import org.smskit.jooq.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.SmsService.Tx;
import org.smskit.jooq.repository.DispatchQueue.Lease;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands one leased message to its provider: mark it {@code sending} with an attempt record and commit, call the
 * provider outside any transaction, then record the outcome in a second transaction. Shared by
 * {@link SmsService#dispatch} (send now) and the {@link Dispatcher}.
 */
final class Delivery {
  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  /** Tries at writing a provider's answer: 100 ms, then doubling, about 3 s in all. */
  private static final int OUTCOME_WRITES = 6;

  private Delivery() {}

  /** What the first transaction prepared: the call to make, or the receipt when no call is made. */
  private record Prepared(@Nullable SendReceipt done, @Nullable SmsProvider provider,
      @Nullable OutboundMessage outbound, @Nullable UUID accountId, int attempt) {}

  /** Sends a queued message now, outside the rate limits; a message not waiting in the outbox is left alone. */
  static SendReceipt sendNow(SmsService service, UUID messageId, DispatcherConfig config) {
    String worker = "send-now-" + UUID.randomUUID();
    Optional<Lease> lease = service.write(tx -> {
      Message message = tx.r().messages().find(messageId).orElseThrow(() -> new NotFoundException("message", messageId));
      Optional<OutboxRepository.Entry> entry = tx.r().outbox().lock(messageId);
      Instant now = service.now();
      if (entry.isEmpty() || entry.get().dueAt().isAfter(now) && entry.get().leaseOwner() != null
          || message.status() == MessageStatus.SCHEDULED && entry.get().dueAt().isAfter(now)) {
        return Optional.<Lease>empty();
      }
      tx.r().outbox().lease(messageId, worker, now.plus(config.lease()));
      return Optional.of(new Lease(tx.tenant().value(), messageId, entry.get().attempts() + 1,
          accountOf(tx.r(), message), null, false));
    });
    if (lease.isEmpty()) {
      Message message = service.read(r -> r.messages().get(messageId));
      return new SendReceipt(message.id(), message.status(), false, message.providerErrorCode());
    }
    return process(service, lease.get(), config, worker);
  }

  /** Sends one leased message and records what became of it. */
  static SendReceipt process(SmsService service, Lease lease, DispatcherConfig config, String worker) {
    UUID messageId = lease.messageId();
    Prepared prepared = service.write(tx -> prepare(service, tx, lease, config, worker));
    if (prepared.done() != null) {
      return prepared.done();
    }
    SendResult result;
    try {
      result = prepared.provider().send(prepared.outbound());
    } catch (ProviderException e) {
      log.info("smskit send of {} failed: {} ({})", messageId, e.kind(), e.providerCode().orElse("-"));
      return recordOutcome(service, messageId, tx -> recordFailure(service, tx, lease, prepared, config, e));
    } catch (RuntimeException e) {
      // A provider bug must not lose the message: its outcome is unknown.
      ProviderException unknown = new ProviderException(prepared.provider().name(),
          ProviderException.Kind.OUTCOME_UNKNOWN, null, 0, null, e.toString(), e);
      return recordOutcome(service, messageId, tx -> recordFailure(service, tx, lease, prepared, config, unknown));
    }
    return recordOutcome(service, messageId, tx -> recordSuccess(service, tx, lease, prepared, result));
  }

  /**
   * Writes what the provider answered, trying again for a few seconds while the database is unreachable (a
   * restart, a dropped connection): given up, a known outcome would become an unknown one, held for
   * reconciliation or, with {@link UnknownOutcome#RETRY}, sent twice. A retried write whose first commit did go
   * through finds the attempt finished and changes nothing.
   */
  private static SendReceipt recordOutcome(SmsService service, UUID messageId, Function<Tx, SendReceipt> write) {
    long pauseMillis = 100;
    for (int tried = 1; ; tried++) {
      try {
        return service.write(write);
      } catch (StorageException e) {
        if (!e.retryable() || tried == OUTCOME_WRITES) {
          throw e;
        }
        log.warn("smskit could not record the outcome of sending {} (try {} of {}): {}", messageId, tried,
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

  private static Prepared prepare(SmsService service, Tx tx, Lease lease, DispatcherConfig config, String worker) {
    Repositories r = tx.r();
    UUID messageId = lease.messageId();
    Instant now = service.now();
    Message message = r.messages().lock(messageId).orElse(null);
    Optional<OutboxRepository.Entry> entry = r.outbox().lock(messageId);
    if (message == null || entry.isEmpty() || !worker.equals(entry.get().leaseOwner())) {
      // Deleted, or the lease expired and another worker took the message over.
      return done(message, messageId);
    }
    switch (message.status()) {
      case QUEUED, SCHEDULED -> { }
      case SENDING -> {
        // An earlier attempt was interrupted after the message was marked sending: its outcome is unknown.
        if (config.unknownOutcome() == UnknownOutcome.HOLD) {
          r.outbox().remove(messageId);
          r.outbox().startAttempt(messageId, lease.attempt(), lease.accountId(), worker, now);
          r.outbox().finishAttempt(messageId, lease.attempt(), "held", "outcome_unknown", now);
          r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, message.provider(), null,
              MessageStatus.SENDING, "held", now, "outcome_unknown",
              "an earlier attempt was interrupted; held for reconciliation", null));
          log.warn("smskit holds message {} for reconciliation: an earlier attempt was interrupted", messageId);
          return done(message, messageId);
        }
      }
      default -> {
        r.outbox().remove(messageId); // already sent or final: nothing to do
        return done(message, messageId);
      }
    }
    ServiceAccount svc = message.serviceAccountId() == null ? null : r.serviceAccounts().get(message.serviceAccountId());
    if (svc != null && service.core().quietHours() != null && message.to() instanceof PhoneNumber to) {
      // A retry or a rate-limit wait may have carried a marketing message into the recipient's quiet hours.
      Optional<org.smskit.core.model.Contact> contact = r.contacts().findByPhone(to);
      Instant allowed = contact.map(c -> Outbound.quietAdjusted(service.core(), svc, c, now)).orElse(now);
      if (allowed.isAfter(now)) {
        r.outbox().postpone(messageId, allowed);
        return done(message, messageId);
      }
    }
    SenderAccount account = r.senderAccounts().get(lease.accountId());
    SmsProvider provider = service.core().providers().provider(tx.tenant(), account, r);
    Message sending = message.toBuilder().status(MessageStatus.SENDING).build();
    if (lease.failover() && lease.numberId() != null) {
      SenderPhoneNumber fallback = r.phoneNumbers().get(lease.numberId());
      sending = sending.toBuilder().senderPhoneNumberId(fallback.id()).from(fallback.phoneNumber())
          .provider(account.provider()).build();
      log.info("smskit sends message {} through fallback account {}", messageId, account.id());
    }
    r.messages().update(sending);
    r.outbox().startAttempt(messageId, lease.attempt(), account.id(), worker, now);
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, account.provider(), null,
        MessageStatus.SENDING, "attempt " + lease.attempt(), now, null, null, null));
    List<URI> media = r.attachments().listByMessage(messageId).stream().map(a -> URI.create(a.fileUrl())).toList();
    String messagingService = svc == null || lease.failover() ? null : svc.providerServiceSid();
    OutboundMessage outbound = new OutboundMessage(messageId, sending.to(), sending.from(), messagingService,
        sending.body(), media, service.webhookUrl(account.id()).orElse(null), Map.of());
    return new Prepared(null, provider, outbound, account.id(), lease.attempt());
  }

  private static Prepared done(@Nullable Message message, UUID messageId) {
    if (message == null) {
      throw new NotFoundException("message", messageId);
    }
    return new Prepared(new SendReceipt(message.id(), message.status(), false, message.providerErrorCode()), null,
        null, null, 0);
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

  private static SendReceipt recordSuccess(SmsService service, Tx tx, Lease lease, Prepared prepared,
      SendResult result) {
    Repositories r = tx.r();
    UUID messageId = lease.messageId();
    String provider = prepared.provider().name();
    Message message = r.messages().lock(messageId).orElseThrow();
    if (r.outbox().attemptFinished(messageId, lease.attempt())) {
      return new SendReceipt(message.id(), message.status(), false, message.providerErrorCode()); // written before
    }
    Instant now = service.now();
    r.outbox().remove(messageId);
    r.outbox().finishAttempt(messageId, lease.attempt(), "sent", null, now);
    r.outbox().recordSuccess(prepared.accountId(), now);
    Message withSid = message.toBuilder()
        .provider(provider)
        .providerMessageSid(result.providerMessageId())
        .providerPayload(result.rawResponse())
        .providerErrorCode(null)
        .segmentCount(result.segments() != null ? result.segments() : message.segmentCount())
        .build();
    Message applied = Inbound.applyStatus(service, tx, withSid, result.status(), result.status().dbValue(), null,
        now, result.rawResponse(), provider, result.providerMessageId()).message();
    // Reports that arrived before we knew the provider's id now find their message.
    for (var event : r.statusEvents().listUnmatched(provider, result.providerMessageId())) {
      r.statusEvents().delete(event.id());
      applied = Inbound.applyStatus(service, tx, applied, event.status(), event.providerStatus(),
          event.providerErrorCode(), event.occurredAt(), event.rawPayload(), provider, result.providerMessageId())
          .message();
    }
    return new SendReceipt(applied.id(), applied.status(), false, applied.providerErrorCode());
  }

  private static SendReceipt recordFailure(SmsService service, Tx tx, Lease lease, Prepared prepared,
      DispatcherConfig config, ProviderException e) {
    Repositories r = tx.r();
    UUID messageId = lease.messageId();
    String provider = prepared.provider().name();
    Message message = r.messages().lock(messageId).orElseThrow();
    if (r.outbox().attemptFinished(messageId, lease.attempt())) {
      return new SendReceipt(message.id(), message.status(), false, message.providerErrorCode()); // written before
    }
    Instant now = service.now();
    String code = e.providerCode().orElse(e.kind().name().toLowerCase(Locale.ROOT));
    boolean unknown = e.kind() == ProviderException.Kind.OUTCOME_UNKNOWN;
    boolean retry = e.retryable() || unknown && config.unknownOutcome() == UnknownOutcome.RETRY;
    if (e.retryable() || unknown) {
      // A provider that times out is failing as surely as one that answers 5xx: it counts towards the circuit
      // (the timed-out message itself follows the unknown-outcome policy; only later messages fail over).
      r.outbox().recordFailure(prepared.accountId(), config.circuitFailures(), now, now.plus(config.circuitOpen()));
    }
    if (e.kind() == ProviderException.Kind.RATE_LIMITED) {
      r.outbox().slowDownAccount(prepared.accountId(),
          now.plus(e.retryAfter().orElse(config.backoff())).plus(config.accountBurst()));
    }
    MessageStatus next;
    String attemptOutcome;
    if (retry && lease.attempt() < config.maxAttempts()) {
      next = MessageStatus.QUEUED;
      attemptOutcome = unknown ? "unknown" : "retry";
      r.outbox().release(messageId, now.plus(backoff(config, lease.attempt(), e.retryAfter().orElse(null))),
          e.getMessage());
    } else if (unknown) {
      next = MessageStatus.SENDING; // held for reconciliation: never sent again by the library
      attemptOutcome = "held";
      r.outbox().remove(messageId);
    } else {
      next = MessageStatus.FAILED;
      attemptOutcome = "failed";
      r.outbox().remove(messageId);
    }
    r.outbox().finishAttempt(messageId, lease.attempt(), attemptOutcome, code, now);
    Message.Builder changed = message.toBuilder().status(next).providerErrorCode(code).provider(provider);
    if (next == MessageStatus.FAILED && message.failedAt() == null) {
      changed.failedAt(now);
    }
    Message stored = r.messages().update(changed.build());
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
    return new SendReceipt(stored.id(), stored.status(), false, code);
  }

  /** Exponential backoff with ±20% jitter, at least what the provider asked for. */
  static Duration backoff(DispatcherConfig config, int attempt, @Nullable Duration retryAfter) {
    double base = config.backoff().toMillis() * Math.pow(2, Math.max(0, attempt - 1));
    double jittered = base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble());
    long millis = (long) Math.min(jittered, config.maxBackoff().toMillis());
    Duration wait = Duration.ofMillis(millis);
    return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
  }
}
