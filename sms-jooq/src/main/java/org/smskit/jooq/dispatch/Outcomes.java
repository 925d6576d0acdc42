package org.smskit.jooq.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smskit.core.Nullable;
import org.smskit.core.StorageException;
import org.smskit.core.model.Ids;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.model.ServiceAccount;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.core.spi.ProviderException;
import org.smskit.core.spi.SendResult;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.dispatch.CallResult.Accepted;
import org.smskit.jooq.dispatch.CallResult.Failed;
import org.smskit.jooq.dispatch.CallResult.Withdrawn;
import org.smskit.jooq.dispatch.DispatchQueue.Bucket;
import org.smskit.jooq.dispatch.DispatchQueue.Circuit;
import org.smskit.jooq.dispatch.DispatcherConfig.UnknownOutcome;
import org.smskit.jooq.event.SmsEvent;
import org.smskit.jooq.internal.Across;
import org.smskit.jooq.internal.SmsContext;
import org.smskit.jooq.internal.Transitions;
import org.smskit.jooq.internal.Tx;
import org.smskit.jooq.repository.MessageKeyRepository;
import org.smskit.jooq.repository.OutboxRepository;
import org.smskit.jooq.repository.Repositories;
import org.smskit.jooq.sending.SendReceipt;
import org.smskit.jooq.sending.SendTiming;

/**
 * The last step of a delivery, in one transaction: each outcome is written only where the lease is still the batch's
 * (the same owner, the same attempt); an outcome whose lease was lost changes nothing. Circuit and rate-bucket
 * changes are written after the messages, in the lock order every writer of them takes.
 */
final class Outcomes {
  private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

  /** Tries at writing the providers' answers: 100 ms, then doubling, about 3 s in all. */
  private static final int OUTCOME_WRITES = 6;

  private final SmsContext ctx;
  private final DispatcherConfig config;

  Outcomes(SmsContext ctx, DispatcherConfig config) {
    this.ctx = ctx;
    this.config = config;
  }

  /**
   * Writes the outcomes in one transaction, trying again for a few seconds while the database is unreachable (a
   * restart, a dropped connection): given up, a known outcome would become an unknown one. A retried write
   * whose first commit did go through finds the attempts finished and changes nothing.
   */
  Map<UUID, SendReceipt> record(Batch batch, List<CallResult> results) {
    return writeRetrying(ctx, "record the outcome of " + results.size() + " sends",
        tx -> recordAll(tx, batch, results));
  }

  /**
   * Runs {@code work} in one transaction across tenants, trying again for about 3 s (100 ms, then doubling) while
   * the database is unreachable: for the writes that must not be given up lightly.
   */
  static <T> T writeRetrying(SmsContext ctx, String what, Function<Across, T> work) {
    long pauseMillis = 100;
    for (int tried = 1; ; tried++) {
      try {
        return ctx.writeAcross(work);
      } catch (StorageException e) {
        if (!e.retryable() || tried == OUTCOME_WRITES) {
          throw e;
        }
        log.warn("smskit could not {} (try {} of {}): {}", what, tried, OUTCOME_WRITES, e.toString());
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

  private Map<UUID, SendReceipt> recordAll(Across tx, Batch batch, List<CallResult> results) {
    Instant now = ctx.now();
    Map<UUID, SendReceipt> receipts = new HashMap<>();
    Health health = new Health();
    Map<String, List<CallResult>> byTenant = new TreeMap<>();
    results.forEach(x -> byTenant.computeIfAbsent(x.call().tenant(), k -> new ArrayList<>()).add(x));
    for (var group : byTenant.entrySet()) {
      Tx t = tx.tenant(group.getKey());
      Repositories r = t.r();
      List<UUID> ids = group.getValue().stream().map(x -> x.call().messageId()).toList();
      // Messages, then outbox rows, each locked in id order: the order preparing a batch takes.
      Map<UUID, Message> messages = r.messages().lockAll(ids);
      Map<UUID, OutboxRepository.Entry> outbox = r.outbox().lockAll(ids);
      List<Success> successes = new ArrayList<>();
      List<CallResult> ordered = new ArrayList<>(group.getValue());
      ordered.sort(Comparator.comparing(x -> x.call().messageId()));
      for (CallResult result : ordered) {
        Call call = result.call();
        Message message = messages.get(call.messageId());
        if (message == null) {
          continue; // deleted by the host meanwhile
        }
        OutboxRepository.Entry entry = outbox.get(call.messageId());
        boolean owned = entry != null && batch.owner.equals(entry.leaseOwner()) && entry.attempts() == call.attempt();
        if (!owned) {
          receipts.put(call.messageId(), lostLease(t, result, message, now));
        } else if (result instanceof Accepted accepted) {
          successes.add(new Success(call, message, accepted.result()));
        } else if (result instanceof Failed failed) {
          receipts.put(call.messageId(), failure(t, call, message, failed.error(), now, health));
        } else {
          receipts.put(call.messageId(), withdraw(t, call, message, (Withdrawn) result, now));
        }
      }
      receipts.putAll(successes(t, successes, now, health));
    }
    for (var slow : health.slowDowns.entrySet()) {
      tx.tenant(slow.getKey().tenant()).r().outbox().slowDownAccount(slow.getKey().target(),
          slow.getValue().plus(config.accountBurst()));
    }
    for (var circuit : health.circuits.entrySet()) {
      OutboxRepository outbox = tx.tenant(circuit.getKey().tenant()).r().outbox();
      boolean closed = false;
      for (boolean success : circuit.getValue()) {
        if (success) {
          // A success closes the circuit; the next ones, until a failure, would change nothing: one statement
          // for a run of successes rather than one per message.
          if (!closed) {
            outbox.recordSuccess(circuit.getKey().accountId(), now);
          }
          closed = true;
        } else {
          outbox.recordFailure(circuit.getKey().accountId(), config.circuitFailures(), now,
              now.plus(config.circuitOpen()));
          closed = false;
        }
      }
    }
    return receipts;
  }

  /** A provider accepted the request of {@code call}. */
  private record Success(Call call, Message message, SendResult result) {}

  /**
   * The lease was lost during the call (it ran out, another worker took the message over): nothing of the
   * message changes. A provider's acceptance is still worth keeping: it goes into the history, where the
   * reconciler finds the provider's id.
   */
  private SendReceipt lostLease(Tx t, CallResult result, Message message, Instant now) {
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

  /**
   * The accepted requests of one tenant, written together: out of the outbox, attempts finished, each message
   * with the provider's id and status through the status machine (then any report that came before the id was
   * known), in a few statements for the whole batch.
   */
  private Map<UUID, SendReceipt> successes(Tx tx, List<Success> successes, Instant now, Health health) {
    if (successes.isEmpty()) {
      return Map.of();
    }
    Repositories r = tx.r();
    Map<String, Set<String>> idsByProvider = new TreeMap<>();
    Map<UUID, Integer> attempts = new java.util.LinkedHashMap<>();
    for (Success s : successes) {
      Set<String> ids = idsByProvider.computeIfAbsent(s.call().provider().name(), k -> new java.util.TreeSet<>());
      ids.add(s.result().providerMessageId());
      ids.addAll(s.result().partIds());
      attempts.put(s.call().messageId(), s.call().attempt());
    }
    // Serialised with status reports of the same provider ids, so that a report racing this write is never lost.
    idsByProvider.forEach(r.statusEvents()::lockProviderIds);
    r.outbox().removeAll(attempts.keySet());
    r.outbox().finishAttempts(attempts, "sent", now);

    List<Message> finals = new ArrayList<>();
    List<MessageStatusEvent> history = new ArrayList<>();
    List<UUID> attached = new ArrayList<>();
    Map<UUID, SendReceipt> receipts = new HashMap<>();
    Map<String, List<MessageStatusEvent>> unmatched = unmatched(r, successes);
    for (Success s : successes) {
      Call call = s.call();
      SendResult result = s.result();
      String provider = call.provider().name();
      health.outcome(new Circuit(call.tenant(), call.accountId()), true);
      for (String part : result.partIds()) {
        if (!part.equals(result.providerMessageId())) {
          r.messageKeys().claim(MessageKeyRepository.Kind.PART, provider + ":" + part, call.messageId(), null);
        }
      }
      Message withSid = s.message().toBuilder()
          .provider(provider)
          .providerMessageSid(result.providerMessageId())
          .providerPayload(result.rawResponse())
          .providerErrorCode(null)
          .segmentCount(result.segments() != null ? result.segments() : s.message().segmentCount())
          .build();
      withSid = Transitions.withPrice(withSid, result.price(), result.priceCurrency());
      Transitions.Decision decision = Transitions.decide(tx.tenant(), withSid, result.status(),
          result.status().dbValue(), null, now, result.rawResponse(), provider, result.providerMessageId());
      Message applied = decision.message();
      history.add(decision.history());
      tx.events().addAll(decision.events());
      // Reports that arrived before we knew the provider's id now find their message.
      Set<String> ids = new java.util.LinkedHashSet<>();
      ids.add(result.providerMessageId());
      ids.addAll(result.partIds());
      for (String id : ids) {
        for (MessageStatusEvent event : unmatched.getOrDefault(key(provider, call.accountId(), id), List.of())) {
          attached.add(event.id());
          Transitions.Decision report = Transitions.decide(tx.tenant(), applied, event.status(),
              event.providerStatus(), event.providerErrorCode(), event.occurredAt(), event.rawPayload(), provider, id);
          applied = report.message();
          history.add(report.history());
          tx.events().addAll(report.events());
        }
      }
      finals.add(applied);
      if (call.before() != MessageStatus.SCHEDULED) {
        // Scheduled messages wait on purpose: their wait is not the dispatcher's latency.
        long latency = java.time.Duration.between(s.message().createdAt(), now).toNanos();
        tx.onCommit(() -> ctx.metrics().dispatchLatency(provider, Math.max(0, latency)));
      }
      receipts.put(call.messageId(), new SendReceipt(applied.id(), applied.status(), false,
          applied.providerErrorCode()));
    }
    r.statusEvents().deleteAll(attached);
    r.messages().updateAll(finals);
    r.statusEvents().insertAll(history);
    return receipts;
  }

  /** The unmatched reports of the successes' provider ids, by provider, verifying account and id. */
  private static Map<String, List<MessageStatusEvent>> unmatched(Repositories r, List<Success> successes) {
    Map<String, Map<UUID, Set<String>>> wanted = new TreeMap<>();
    for (Success s : successes) {
      Set<String> ids = wanted.computeIfAbsent(s.call().provider().name(), k -> new HashMap<>())
          .computeIfAbsent(s.call().accountId(), k -> new java.util.TreeSet<>());
      ids.add(s.result().providerMessageId());
      ids.addAll(s.result().partIds());
    }
    Map<String, List<MessageStatusEvent>> found = new HashMap<>();
    wanted.forEach((provider, byAccount) -> byAccount.forEach((account, ids) ->
        r.statusEvents().listUnmatched(provider, ids, account).forEach(e -> found.computeIfAbsent(
            key(provider, account, e.providerMessageSid()), k -> new ArrayList<>()).add(e))));
    return found;
  }

  private static String key(String provider, UUID account, String providerId) {
    return provider + "|" + account + "|" + providerId;
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
    Instant retryAt = null;
    if (retry && call.attempt() < config.maxAttempts()) {
      next = MessageStatus.QUEUED;
      attemptOutcome = unknown ? "unknown" : "retry";
      retryAt = now.plus(config.backoffAfter(call.attempt(), e.retryAfter().orElse(null)));
      r.outbox().release(messageId, retryAt, e.getMessage());
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
    return new SendReceipt(stored.id(), stored.status(), false, code, retryAt);
  }

  /** No request was made: the attempt is taken back and the message waits, as it was before. */
  private SendReceipt withdraw(Tx tx, Call call, Message message, Withdrawn withdrawn, Instant now) {
    return receipt(withdrawUnsent(tx, message, call.attempt(), call.before() == MessageStatus.SENDING,
        call.provider().name(), withdrawn.dueAt(), now, withdrawn.reason()));
  }

  /**
   * Takes back attempt {@code attempt} of a locked message, counted but never made: the message goes back to the
   * queue (unless it was {@code sending} already before it, after an interrupted attempt), due at {@code dueAt}.
   */
  static Message withdrawUnsent(Tx tx, Message message, int attempt, boolean wasSending, @Nullable String provider,
      Instant dueAt, Instant now, String reason) {
    Repositories r = tx.r();
    Optional<Message> requeued = wasSending ? Optional.empty()
        : Transitions.requeue(r, message, message.providerErrorCode());
    if (requeued.isPresent()) {
      r.statusEvents().insert(new MessageStatusEvent(Ids.newId(), message.id(), provider, null,
          MessageStatus.QUEUED, "withdrawn", now, null, reason, null));
    }
    r.outbox().withdrawAttempt(message.id(), attempt, dueAt, reason);
    return requeued.orElse(message);
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

  static SendReceipt receipt(Message message) {
    return new SendReceipt(message.id(), message.status(), false, message.providerErrorCode());
  }
}
