package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_ACCOUNT_PAUSES;
import static org.smskit.jooq.generated.Tables.SMS_CIRCUIT_BREAKERS;
import static org.smskit.jooq.generated.Tables.SMS_OUTBOX;
import static org.smskit.jooq.generated.Tables.SMS_RATE_BUCKETS;
import static org.smskit.jooq.generated.Tables.SMS_SEND_ATTEMPTS;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.smskit.core.Nullable;

/**
 * The outbox of one tenant ({@code sms_outbox}): a row per message waiting to be sent, its attempts, and the
 * provider-health and rate rows dispatch keeps. Claims across tenants are dispatch's own.
 */
public final class OutboxRepository {
  /** {@code sms_rate_buckets.kind} of a sender number's bucket. */
  public static final String NUMBER_BUCKET = "number";
  /** {@code sms_rate_buckets.kind} of a provider account's bucket. */
  public static final String ACCOUNT_BUCKET = "account";

  /** A message's place in the outbox. */
  public record Entry(UUID messageId, int priority, Instant dueAt, int attempts, @Nullable String leaseOwner,
      @Nullable Instant leaseUntil, @Nullable String lastError, boolean optOutExempt) {}

  private final DSLContext dsl;
  private final String tenant;

  OutboxRepository(DSLContext dsl, String tenant) {
    this.dsl = dsl;
    this.tenant = tenant;
  }

  /** Puts a message in the outbox, due at {@code dueAt}. */
  public void enqueue(UUID messageId, int priority, Instant dueAt) {
    enqueue(messageId, priority, dueAt, false);
  }

  /**
   * Puts a message in the outbox, due at {@code dueAt}; {@code optOutExempt} for a reply to HELP, which goes out
   * even to a recipient who opted out.
   */
  public void enqueue(UUID messageId, int priority, Instant dueAt, boolean optOutExempt) {
    dsl.insertInto(SMS_OUTBOX)
        .set(SMS_OUTBOX.TENANT_ID, tenant)
        .set(SMS_OUTBOX.MESSAGE_ID, messageId)
        .set(SMS_OUTBOX.PRIORITY, (short) priority)
        .set(SMS_OUTBOX.DUE_AT, dueAt)
        .set(SMS_OUTBOX.OPT_OUT_EXEMPT, optOutExempt)
        .execute();
  }

  /**
   * Puts a message back in the outbox, due at {@code dueAt}, after {@code attempts} attempts already made (a held
   * message that proved never to have reached its provider).
   */
  public void requeue(UUID messageId, int priority, Instant dueAt, int attempts) {
    dsl.insertInto(SMS_OUTBOX)
        .set(SMS_OUTBOX.TENANT_ID, tenant)
        .set(SMS_OUTBOX.MESSAGE_ID, messageId)
        .set(SMS_OUTBOX.PRIORITY, (short) priority)
        .set(SMS_OUTBOX.DUE_AT, dueAt)
        .set(SMS_OUTBOX.ATTEMPTS, attempts)
        .execute();
  }

  /** The first and the last instant a request of the message may have been made (its attempts' span). */
  public java.util.Optional<org.jooq.Record2<Instant, Instant>> attemptSpan(UUID messageId) {
    var a = SMS_SEND_ATTEMPTS;
    return dsl.select(DSL.min(a.STARTED_AT), DSL.max(DSL.coalesce(a.FINISHED_AT, a.STARTED_AT))).from(a)
        .where(a.TENANT_ID.eq(tenant), a.MESSAGE_ID.eq(messageId))
        .fetchOptional()
        .filter(r -> r.value1() != null);
  }

  /** The highest attempt number recorded for a message (0 when none). */
  public int lastAttempt(UUID messageId) {
    var a = SMS_SEND_ATTEMPTS;
    Integer last = dsl.select(DSL.max(a.ATTEMPT)).from(a).where(a.TENANT_ID.eq(tenant), a.MESSAGE_ID.eq(messageId))
        .fetchOne(0, Integer.class);
    return last == null ? 0 : last;
  }

  /** Puts many messages in the outbox (message id to due instant), all with one priority. */
  public void enqueueAll(java.util.Map<UUID, Instant> due, int priority) {
    if (due.isEmpty()) {
      return;
    }
    var insert = dsl.insertInto(SMS_OUTBOX, SMS_OUTBOX.TENANT_ID, SMS_OUTBOX.MESSAGE_ID, SMS_OUTBOX.PRIORITY,
        SMS_OUTBOX.DUE_AT);
    for (var entry : due.entrySet()) {
      insert = insert.values(tenant, entry.getKey(), (short) priority, entry.getValue());
    }
    insert.execute();
  }

  /** Reads and locks many outbox rows, in message id order; messages not in the outbox are absent. */
  public java.util.Map<UUID, Entry> lockAll(java.util.Collection<UUID> messageIds) {
    java.util.Map<UUID, Entry> locked = new java.util.LinkedHashMap<>();
    if (!messageIds.isEmpty()) {
      dsl.selectFrom(SMS_OUTBOX)
          .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.in(messageIds))
          .orderBy(SMS_OUTBOX.MESSAGE_ID)
          .forUpdate()
          .fetch(OutboxRepository::entry)
          .forEach(e -> locked.put(e.messageId(), e));
    }
    return locked;
  }

  private static Entry entry(org.smskit.jooq.generated.tables.records.SmsOutboxRecord r) {
    return new Entry(r.getMessageId(), r.getPriority(), r.getDueAt(), r.getAttempts(), r.getLeaseOwner(),
        r.getLeaseUntil(), r.getLastError(), r.getOptOutExempt());
  }

  /** One attempt about to start: the message, its number, and the account it goes through. */
  public record AttemptStart(UUID messageId, int attempt, UUID accountId) {}

  /**
   * Counts the attempts about to be made, renews {@code owner}'s leases of them until {@code until}, and records
   * their start by {@code worker} at {@code at}: two statements for a whole batch.
   */
  public void beginAttempts(String owner, String worker, java.util.List<AttemptStart> starts, Instant until,
      Instant at) {
    if (starts.isEmpty()) {
      return;
    }
    var o = SMS_OUTBOX;
    var rows = DSL.values(starts.stream().map(s -> DSL.row(s.messageId(), s.attempt())).toArray(org.jooq.Row2[]::new))
        .as("v", "message_id", "attempt");
    dsl.update(o)
        .set(o.ATTEMPTS, rows.field("attempt", Integer.class))
        .set(o.LEASE_UNTIL, until)
        .set(o.DUE_AT, until)
        .from(rows)
        .where(o.TENANT_ID.eq(tenant), o.MESSAGE_ID.eq(rows.field("message_id", UUID.class)), o.LEASE_OWNER.eq(owner))
        .execute();
    var a = SMS_SEND_ATTEMPTS;
    var insert = dsl.insertInto(a, a.TENANT_ID, a.MESSAGE_ID, a.ATTEMPT, a.SENDER_ACCOUNT_ID, a.WORKER, a.STARTED_AT);
    for (AttemptStart s : starts) {
      insert = insert.values(tenant, s.messageId(), s.attempt(), s.accountId(), worker, at);
    }
    insert.onConflictDoNothing().execute();
  }

  /** Reads and locks a message's outbox row; empty when it is not in the outbox. */
  public Optional<Entry> lock(UUID messageId) {
    return dsl.selectFrom(SMS_OUTBOX)
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId))
        .forUpdate()
        .fetchOptional(OutboxRepository::entry);
  }

  /** Leases the row to {@code owner} until {@code until}; no attempt is counted until a request is made. */
  public void lease(UUID messageId, String owner, Instant until) {
    dsl.update(SMS_OUTBOX)
        .set(SMS_OUTBOX.LEASE_OWNER, owner)
        .set(SMS_OUTBOX.LEASE_UNTIL, until)
        .set(SMS_OUTBOX.DUE_AT, until)
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId))
        .execute();
  }

  /**
   * Counts attempt {@code attempt} (a request is about to be made) and renews {@code owner}'s lease until
   * {@code until}; false when {@code owner} no longer holds the row.
   */
  public boolean beginAttempt(UUID messageId, String owner, int attempt, Instant until) {
    return dsl.update(SMS_OUTBOX)
        .set(SMS_OUTBOX.ATTEMPTS, attempt)
        .set(SMS_OUTBOX.LEASE_UNTIL, until)
        .set(SMS_OUTBOX.DUE_AT, until)
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId),
            SMS_OUTBOX.LEASE_OWNER.eq(owner))
        .execute() == 1;
  }

  /** Renews {@code owner}'s lease of one row until {@code until}; false when it no longer holds it. */
  public boolean extendLease(UUID messageId, String owner, Instant until) {
    return dsl.update(SMS_OUTBOX)
        .set(SMS_OUTBOX.LEASE_UNTIL, until)
        .set(SMS_OUTBOX.DUE_AT, until)
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId),
            SMS_OUTBOX.LEASE_OWNER.eq(owner))
        .execute() == 1;
  }

  /** Gives the row back, due again at {@code dueAt} (a retry, or a wait for a rate limit). */
  public void release(UUID messageId, Instant dueAt, @Nullable String lastError) {
    dsl.update(SMS_OUTBOX)
        .set(SMS_OUTBOX.LEASE_OWNER, (String) null)
        .set(SMS_OUTBOX.LEASE_UNTIL, (Instant) null)
        .set(SMS_OUTBOX.DUE_AT, dueAt)
        .set(SMS_OUTBOX.LAST_ERROR, lastError)
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId))
        .execute();
  }

  /**
   * Gives back a leased row unsent, due at {@code dueAt} (a rate limit, an open circuit, quiet hours): no attempt
   * was made, so none is counted.
   */
  public void postpone(UUID messageId, Instant dueAt, @Nullable String reason) {
    dsl.update(SMS_OUTBOX)
        .set(SMS_OUTBOX.LEASE_OWNER, (String) null)
        .set(SMS_OUTBOX.LEASE_UNTIL, (Instant) null)
        .set(SMS_OUTBOX.DUE_AT, dueAt)
        .set(SMS_OUTBOX.LAST_ERROR, reason == null ? SMS_OUTBOX.LAST_ERROR : DSL.val(reason))
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId))
        .execute();
  }

  /**
   * Takes back attempt {@code attempt}, counted but never made (the worker decided not to call after all): the
   * attempt record goes and the row is given back due at {@code dueAt}.
   */
  public void withdrawAttempt(UUID messageId, int attempt, Instant dueAt, String reason) {
    dsl.deleteFrom(SMS_SEND_ATTEMPTS)
        .where(SMS_SEND_ATTEMPTS.TENANT_ID.eq(tenant), SMS_SEND_ATTEMPTS.MESSAGE_ID.eq(messageId),
            SMS_SEND_ATTEMPTS.ATTEMPT.eq(attempt))
        .execute();
    dsl.update(SMS_OUTBOX)
        .set(SMS_OUTBOX.LEASE_OWNER, (String) null)
        .set(SMS_OUTBOX.LEASE_UNTIL, (Instant) null)
        .set(SMS_OUTBOX.DUE_AT, dueAt)
        .set(SMS_OUTBOX.ATTEMPTS, attempt - 1)
        .set(SMS_OUTBOX.LAST_ERROR, reason)
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId))
        .execute();
  }

  /** Takes the message out of the outbox (sent, failed for good, or held for reconciliation). */
  public boolean remove(UUID messageId) {
    return dsl.deleteFrom(SMS_OUTBOX)
        .where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.eq(messageId))
        .execute() == 1;
  }

  /** Takes many messages out of the outbox (one statement). */
  public void removeAll(java.util.Collection<UUID> messageIds) {
    if (!messageIds.isEmpty()) {
      dsl.deleteFrom(SMS_OUTBOX).where(SMS_OUTBOX.TENANT_ID.eq(tenant), SMS_OUTBOX.MESSAGE_ID.in(messageIds))
          .execute();
    }
  }

  /** Records how many attempts ended, all with {@code outcome} (one statement). */
  public void finishAttempts(java.util.Map<UUID, Integer> attempts, String outcome, Instant at) {
    if (attempts.isEmpty()) {
      return;
    }
    var a = SMS_SEND_ATTEMPTS;
    var rows = DSL.values(attempts.entrySet().stream().map(e -> DSL.row(e.getKey(), e.getValue()))
        .toArray(org.jooq.Row2[]::new)).as("v", "message_id", "attempt");
    dsl.update(a)
        .set(a.OUTCOME, outcome)
        .set(a.ERROR_CODE, (String) null)
        .set(a.FINISHED_AT, DSL.greatest(a.STARTED_AT, DSL.val(at)))
        .from(rows)
        .where(a.TENANT_ID.eq(tenant), a.MESSAGE_ID.eq(rows.field("message_id", UUID.class)),
            a.ATTEMPT.eq(rows.field("attempt", Integer.class)))
        .execute();
  }

  /** Records the start of attempt {@code attempt}. */
  public void startAttempt(UUID messageId, int attempt, @Nullable UUID accountId, String worker, Instant at) {
    dsl.insertInto(SMS_SEND_ATTEMPTS)
        .set(SMS_SEND_ATTEMPTS.TENANT_ID, tenant)
        .set(SMS_SEND_ATTEMPTS.MESSAGE_ID, messageId)
        .set(SMS_SEND_ATTEMPTS.ATTEMPT, attempt)
        .set(SMS_SEND_ATTEMPTS.SENDER_ACCOUNT_ID, accountId)
        .set(SMS_SEND_ATTEMPTS.WORKER, worker)
        .set(SMS_SEND_ATTEMPTS.STARTED_AT, at)
        .onConflictDoNothing()
        .execute();
  }

  /** Records how attempt {@code attempt} ended. */
  public void finishAttempt(UUID messageId, int attempt, String outcome, @Nullable String errorCode, Instant at) {
    dsl.update(SMS_SEND_ATTEMPTS)
        .set(SMS_SEND_ATTEMPTS.OUTCOME, outcome)
        .set(SMS_SEND_ATTEMPTS.ERROR_CODE, errorCode)
        .set(SMS_SEND_ATTEMPTS.FINISHED_AT, DSL.greatest(SMS_SEND_ATTEMPTS.STARTED_AT, DSL.val(at)))
        .where(SMS_SEND_ATTEMPTS.TENANT_ID.eq(tenant), SMS_SEND_ATTEMPTS.MESSAGE_ID.eq(messageId),
            SMS_SEND_ATTEMPTS.ATTEMPT.eq(attempt))
        .execute();
  }

  /**
   * True when attempt {@code attempt} of the message was started (by {@code worker}, when not null) and has no
   * outcome yet.
   */
  public boolean attemptOpen(UUID messageId, int attempt, @Nullable String worker) {
    return dsl.fetchExists(SMS_SEND_ATTEMPTS, SMS_SEND_ATTEMPTS.TENANT_ID.eq(tenant),
        SMS_SEND_ATTEMPTS.MESSAGE_ID.eq(messageId), SMS_SEND_ATTEMPTS.ATTEMPT.eq(attempt),
        worker == null ? DSL.noCondition() : SMS_SEND_ATTEMPTS.WORKER.eq(worker), SMS_SEND_ATTEMPTS.OUTCOME.isNull());
  }

  /** The number of attempts recorded for a message. */
  public int attempts(UUID messageId) {
    return dsl.fetchCount(SMS_SEND_ATTEMPTS, SMS_SEND_ATTEMPTS.TENANT_ID.eq(tenant),
        SMS_SEND_ATTEMPTS.MESSAGE_ID.eq(messageId));
  }

  /**
   * Holds back an account (a provider asked us to slow down) in its rate bucket: no claim or slot before
   * {@code availableAt} (the pause plus the burst, so that it is honoured in full).
   */
  public void slowDownAccount(UUID accountId, Instant availableAt) {
    var b = SMS_RATE_BUCKETS;
    dsl.insertInto(b)
        .set(b.TENANT_ID, tenant)
        .set(b.KIND, ACCOUNT_BUCKET)
        .set(b.TARGET_ID, accountId)
        .set(b.AVAILABLE_AT, availableAt)
        .onConflict(b.TENANT_ID, b.KIND, b.TARGET_ID)
        .doUpdate()
        .set(b.AVAILABLE_AT, DSL.greatest(b.AVAILABLE_AT, DSL.val(availableAt)))
        .execute();
  }

  /** Pauses every request to the account until {@code until} (a 429 with Retry-After). */
  public void pauseAccount(UUID accountId, Instant until) {
    var p = SMS_ACCOUNT_PAUSES;
    dsl.insertInto(p)
        .set(p.TENANT_ID, tenant)
        .set(p.ACCOUNT_ID, accountId)
        .set(p.PAUSED_UNTIL, until)
        .onConflict(p.TENANT_ID, p.ACCOUNT_ID)
        .doUpdate()
        .set(p.PAUSED_UNTIL, DSL.greatest(p.PAUSED_UNTIL, DSL.val(until)))
        .execute();
  }

  /** The end of the account's pause, if the provider asked for one. */
  public java.util.Optional<Instant> pausedUntil(UUID accountId) {
    var p = SMS_ACCOUNT_PAUSES;
    return dsl.select(p.PAUSED_UNTIL).from(p).where(p.TENANT_ID.eq(tenant), p.ACCOUNT_ID.eq(accountId))
        .fetchOptional(p.PAUSED_UNTIL);
  }

  /**
   * Counts a failure of an account's provider; opens its circuit until {@code openUntil} once
   * {@code threshold} failures in a row were seen. Returns true when the circuit is open afterwards.
   */
  public boolean recordFailure(UUID accountId, int threshold, Instant now, Instant openUntil) {
    var c = SMS_CIRCUIT_BREAKERS;
    int failures = dsl.insertInto(c)
        .set(c.TENANT_ID, tenant)
        .set(c.ACCOUNT_ID, accountId)
        .set(c.CONSECUTIVE_FAILURES, 1)
        .set(c.UPDATED_AT, now)
        .onConflict(c.TENANT_ID, c.ACCOUNT_ID)
        .doUpdate()
        .set(c.CONSECUTIVE_FAILURES, c.CONSECUTIVE_FAILURES.plus(1))
        .set(c.UPDATED_AT, now)
        .returning(c.CONSECUTIVE_FAILURES)
        .fetchSingle(c.CONSECUTIVE_FAILURES);
    if (failures >= threshold) {
      // Opened, or kept open: a failed half-open probe opens it for the full time again.
      dsl.update(c).set(c.OPEN_UNTIL, DSL.greatest(c.OPEN_UNTIL, DSL.val(openUntil)))
          .where(c.TENANT_ID.eq(tenant), c.ACCOUNT_ID.eq(accountId))
          .execute();
      return true;
    }
    return false;
  }

  /** A success closes the account's circuit. */
  public void recordSuccess(UUID accountId, Instant now) {
    var c = SMS_CIRCUIT_BREAKERS;
    dsl.update(c).set(c.CONSECUTIVE_FAILURES, 0).set(c.OPEN_UNTIL, (Instant) null).set(c.UPDATED_AT, now)
        .where(c.TENANT_ID.eq(tenant), c.ACCOUNT_ID.eq(accountId), c.CONSECUTIVE_FAILURES.gt(0).or(c.OPEN_UNTIL.isNotNull()))
        .execute();
  }

  /**
   * Takes the one probe of a half-open circuit (its open time is over but no success has closed it): true for
   * exactly one caller, whose request tests the provider; the circuit counts as open for everyone else until
   * {@code probeUntil} or until the probe succeeds.
   */
  public boolean takeProbe(UUID accountId, Instant now, Instant probeUntil) {
    var c = SMS_CIRCUIT_BREAKERS;
    return dsl.update(c).set(c.OPEN_UNTIL, probeUntil).set(c.UPDATED_AT, now)
        .where(c.TENANT_ID.eq(tenant), c.ACCOUNT_ID.eq(accountId), c.OPEN_UNTIL.le(now))
        .execute() == 1;
  }

  /** True while the account's circuit is open at {@code now}. */
  public boolean circuitOpen(UUID accountId, Instant now) {
    var c = SMS_CIRCUIT_BREAKERS;
    return dsl.fetchExists(c, c.TENANT_ID.eq(tenant), c.ACCOUNT_ID.eq(accountId), c.OPEN_UNTIL.gt(now));
  }
}
