package org.smskit.jooq.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.InvalidInputException;
import org.smskit.core.NotFoundException;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.TenantId;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.SenderAccount;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.spi.LookupRequest;
import org.smskit.core.spi.LookupResult;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SmsProvider;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Transitions;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.HeldMessageRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.SendTiming;

/**
 * Held messages (sent with an unknown outcome): listing them, looking them up at their providers, and an
 * operator's decisions. A held message is never sent again without proof that its provider never created it
 * (the provider's own lookup) or an operator's say; every resolution is written in the message's history.
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final SmsContext ctx;

  Reconciler(SmsContext ctx) {
    this.ctx = ctx;
  }

  Page<HeldMessage> list(TenantId tenant, PageRequest page) {
    Instant now = ctx.now();
    return ctx.read(tenant, r -> {
      Page<HeldMessageRepository.Held> held = r.held().list(page);
      List<HeldMessage> items = new ArrayList<>();
      for (HeldMessageRepository.Held h : held.items()) {
        Message m = r.messages().get(h.messageId());
        items.add(new HeldMessage(h.messageId(), m.to(), h.heldAt(), Duration.between(h.heldAt(), now), h.attempt(),
            h.reason(), h.attemptStartedAt(), h.attemptError(), h.checks(), h.lastCheck()));
      }
      return new Page<>(items, held.next());
    });
  }

  /**
   * Looks up to {@code limit} held messages up at their providers, least recently checked first: of
   * {@code tenant}, or of every tenant when it is null (a dispatcher's periodic run).
   */
  ReconcileReport reconcile(@Nullable TenantId tenant, int limit) {
    Instant now = ctx.now();
    List<DispatchQueue.HeldRef> refs = tenant == null
        ? ctx.db().inTransactionAcrossTenants(dsl -> DispatchQueue.across(dsl).heldToCheck(limit, now))
        : ctx.read(tenant, r -> r.held().list(PageRequest.first(Math.min(limit, PageRequest.MAX_LIMIT))).items()
            .stream().map(h -> new DispatchQueue.HeldRef(r.tenant(), h.messageId())).toList());
    List<UUID> found = new ArrayList<>();
    List<UUID> requeued = new ArrayList<>();
    List<UUID> stillHeld = new ArrayList<>();
    for (DispatchQueue.HeldRef ref : refs) {
      LookupResult result;
      try {
        result = reconcileOne(TenantId.of(ref.tenant()), ref.messageId());
      } catch (RuntimeException e) {
        log.warn("smskit could not reconcile held message {}: {}", ref.messageId(), e.toString());
        result = new LookupResult.Unknown(e.toString());
      }
      (result instanceof LookupResult.Found ? found
          : result instanceof LookupResult.NotFound ? requeued : stillHeld).add(ref.messageId());
    }
    return new ReconcileReport(found, requeued, stillHeld);
  }

  /** What a lookup needs, read in one short transaction. */
  private record Ask(SmsProvider provider, LookupRequest request) {}

  private LookupResult reconcileOne(TenantId tenant, UUID messageId) {
    Instant now = ctx.now();
    Optional<Ask> ask = ctx.read(tenant, r -> {
      if (r.held().lock(messageId).isEmpty()) {
        return Optional.<Ask>empty();
      }
      Message m = r.messages().get(messageId);
      SenderAccount account = r.senderAccounts().get(Preparation.accountOf(r, m));
      SmsProvider provider = ctx.providers().provider(tenant, account, r);
      String providerId = m.providerMessageSid() != null ? m.providerMessageSid()
          : r.statusEvents().latestProviderId(messageId).orElse(null);
      // The window in which a request may have reached the provider: from the first attempt's start to the last
      // attempt's end (a provider proves a message never came only once that window is well behind it).
      var span = r.outbox().attemptSpan(messageId);
      Instant after = span.map(s -> s.value1()).orElse(m.createdAt());
      Instant before = span.map(s -> s.value2()).orElse(now);
      return Optional.of(new Ask(provider, LookupRequest.builder(messageId, m.to(), after, before)
          .providerMessageId(providerId).from(m.from()).body(m.body()).build()));
    });
    if (ask.isEmpty()) {
      return new LookupResult.Unknown("no longer held");
    }
    LookupResult result;
    String providerName = ask.get().provider().name();
    long started = System.nanoTime();
    try {
      result = ask.get().provider().lookup(ask.get().request());
      ctx.metrics().providerRequest(providerName, SmsMetrics.Operation.LOOKUP,
          result instanceof LookupResult.Unknown ? SmsMetrics.RequestOutcome.UNKNOWN
              : SmsMetrics.RequestOutcome.SUCCESS, null, System.nanoTime() - started);
    } catch (RuntimeException e) {
      ProviderException.Kind kind = e instanceof ProviderException p ? p.kind() : ProviderException.Kind.PERMANENT;
      ctx.metrics().providerRequest(providerName, SmsMetrics.Operation.LOOKUP, Requests.outcome(kind), kind,
          System.nanoTime() - started);
      log.warn("smskit: the {} lookup of {} failed: {}", ask.get().provider().name(), messageId, e.toString());
      result = new LookupResult.Unknown(e.toString());
    }
    LookupResult answer = result;
    return ctx.write(tenant, tx -> {
      Repositories r = tx.r();
      Message message = r.messages().lock(messageId).orElse(null);
      if (message == null || r.held().lock(messageId).isEmpty()) {
        return new LookupResult.Unknown("resolved meanwhile");
      }
      Instant at = ctx.now();
      if (answer instanceof LookupResult.Found f) {
        found(tx, message, f, at);
        log.info("smskit reconciled held message {}: found at {} as {}", messageId, message.provider(),
            f.providerMessageId());
      } else if (answer instanceof LookupResult.NotFound n) {
        requeue(tx, message, at, "reconciled", n.evidence());
        log.info("smskit requeued held message {}: {}", messageId, n.evidence());
      } else {
        r.held().recordCheck(messageId, at, ((LookupResult.Unknown) answer).reason());
      }
      return answer;
    });
  }

  private static void found(Tx tx, Message message, LookupResult.Found f, Instant at) {
    Repositories r = tx.r();
    r.held().release(message.id());
    r.statusEvents().lockProviderId(message.provider(), f.providerMessageId());
    Message withSid = message.toBuilder().providerMessageSid(f.providerMessageId())
        .providerErrorCode(f.errorCode()).build();
    withSid = Transitions.withPrice(withSid, f.price(), f.priceCurrency());
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), message.provider(),
        f.providerMessageId(), MessageStatus.SENDING, "reconciled", at, null, "found at the provider", null));
    Message applied = Transitions.report(tx, withSid, f.status(), f.providerStatus(), f.errorCode(), at,
        f.rawResponse(), message.provider(), f.providerMessageId()).message();
    UUID account = Preparation.accountOf(r, applied);
    for (var event : r.statusEvents().listUnmatched(message.provider(), f.providerMessageId(), account)) {
      r.statusEvents().delete(event.id());
      applied = Transitions.report(tx, applied, event.status(), event.providerStatus(),
          event.providerErrorCode(), event.occurredAt(), event.rawPayload(), message.provider(),
          f.providerMessageId()).message();
    }
  }

  /** Back into the outbox, due now, keeping the count of attempts made. */
  private static void requeue(Tx tx, Message message, Instant at, String by, String why) {
    Repositories r = tx.r();
    r.held().release(message.id());
    ServiceAccount svc = message.serviceAccountId() == null ? null
        : r.serviceAccounts().find(message.serviceAccountId()).orElse(null);
    r.outbox().requeue(message.id(), SendTiming.priority(svc), at, r.outbox().lastAttempt(message.id()));
    Transitions.requeue(r, message, message.providerErrorCode()).orElseThrow();
    r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), message.provider(), null,
        MessageStatus.QUEUED, by + ":requeue", at, null, why, null));
  }

  /** An operator's decision about a held message. */
  Message resolve(TenantId tenant, UUID messageId, HeldResolution resolution, @Nullable String note) {
    Message resolved = ctx.write(tenant, tx -> {
      Repositories r = tx.r();
      Message message = r.messages().lock(messageId).orElseThrow(() -> new NotFoundException("message", messageId));
      if (r.held().lock(messageId).isEmpty()) {
        throw new InvalidInputException("message_id", "the message is not held (status " + message.status().dbValue()
            + ")");
      }
      Instant at = ctx.now();
      String why = note == null ? "resolved by an operator" : note;
      if (resolution instanceof HeldResolution.Sent sent) {
        r.held().release(messageId);
        Message withSid = sent.providerMessageId() == null ? message
            : message.toBuilder().providerMessageSid(sent.providerMessageId()).build();
        r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, message.provider(),
            sent.providerMessageId(), MessageStatus.SENT, "operator:sent", at, null, why, null));
        return Transitions.report(tx, withSid, MessageStatus.SENT, "operator:sent", null, at, null,
            message.provider(), sent.providerMessageId()).message();
      }
      if (resolution instanceof HeldResolution.Failed failed) {
        r.held().release(messageId);
        Message stored = Transitions.forward(r, message, MessageStatus.FAILED, "operator", at).orElseThrow();
        r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), messageId, message.provider(), null,
            MessageStatus.FAILED, "operator:failed", at, "operator", failed.reason(), null));
        tx.events().add(new SmsEvent.SendFailed(tx.tenant(), stored, "operator", failed.reason()));
        tx.events().add(new SmsEvent.MessageStatusChanged(tx.tenant(), stored, message.status()));
        return stored;
      }
      requeue(tx, message, at, "operator", why);
      return r.messages().get(messageId);
    });
    ctx.wakeWorkers();
    return resolved;
  }
}
