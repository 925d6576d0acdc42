package org.smskit.jooq.dispatch;

import static org.smskit.jooq.generated.Tables.SMS_CIRCUIT_BREAKERS;
import static org.smskit.jooq.generated.Tables.SMS_HELD_MESSAGES;
import static org.smskit.jooq.generated.Tables.SMS_MESSAGES;
import static org.smskit.jooq.generated.Tables.SMS_OUTBOX;
import static org.smskit.jooq.generated.Tables.SMS_RATE_BUCKETS;
import static org.smskit.jooq.generated.Tables.SMS_SENDER_ACCOUNTS;
import static org.smskit.jooq.generated.Tables.SMS_SENDER_PHONE_NUMBERS;
import static org.smskit.jooq.generated.Tables.SMS_SERVICE_ACCOUNTS;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Row2;
import org.jooq.Row3;
import org.jooq.impl.DSL;
import org.smskit.core.Nullable;
import org.smskit.core.metrics.SmsMetrics;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.repository.OutboxRepository;

/**
 * Claims due messages for a dispatcher, across tenants, in one short transaction: due rows of the outbox are
 * locked with {@code FOR UPDATE SKIP LOCKED} (so concurrent dispatchers, in this JVM or another, never claim
 * the same row), checked against the rate buckets of their sender number and provider account (locked in a
 * fixed order, so claims never deadlock), and leased; rows whose sender must wait are deferred to the instant
 * it may send. A leased row's {@code due_at} is its lease end, so a dispatcher that dies leaves a row that
 * becomes due again when the lease expires.
 */
final class DispatchQueue {
  static final String NUMBER = OutboxRepository.NUMBER_BUCKET;
  static final String ACCOUNT = OutboxRepository.ACCOUNT_BUCKET;

  /** Segments per second allowed for a sender number or a provider account; 0 means unlimited. */
  public interface RatePolicy {
    double numberRate(UUID numberId, PhoneNumber number);

    double accountRate(UUID accountId, String provider);

    /** How far ahead of its rate an account may send at once (0 spaces every segment). */
    default Duration accountBurst() {
      return Duration.ZERO;
    }
  }

  /** A claimed message: who leased it, for which attempt, and through which account and number it goes. */
  public record Lease(String tenant, UUID messageId, int attempt, UUID accountId, @Nullable UUID numberId,
      boolean failover) {}

  private record Candidate(String tenant, UUID messageId, int attempts, int segments, UUID numberId,
      PhoneNumber number, UUID accountId, String provider, @Nullable UUID fallbackAccountId) {}

  /** A rate bucket: the next instant a sender number or a provider account of a tenant may send. */
  public record Bucket(String tenant, String kind, UUID target) implements Comparable<Bucket> {
    public static Bucket number(String tenant, UUID numberId) {
      return new Bucket(tenant, NUMBER, numberId);
    }

    public static Bucket account(String tenant, UUID accountId) {
      return new Bucket(tenant, ACCOUNT, accountId);
    }

    @Override
    public int compareTo(Bucket o) {
      return Comparator.comparing(Bucket::tenant).thenComparing(Bucket::kind)
          .thenComparing(Bucket::target).compare(this, o);
    }
  }

  /** The circuit of a provider account of a tenant. */
  public record Circuit(String tenant, UUID accountId) implements Comparable<Circuit> {
    @Override
    public int compareTo(Circuit o) {
      return Comparator.comparing(Circuit::tenant).thenComparing(Circuit::accountId).compare(this, o);
    }
  }

  private record Route(UUID accountId, String provider, UUID numberId, PhoneNumber number, boolean failover) {}

  private final DSLContext dsl;

  DispatchQueue(DSLContext dsl) {
    this.dsl = dsl;
  }

  /** The queue over a transaction that is not confined to a tenant. */
  public static DispatchQueue across(DSLContext dsl) {
    return new DispatchQueue(dsl);
  }

  /**
   * Creates the missing monthly partitions of {@code sms_messages} in {@code schema}, up to {@code monthsAhead}
   * months ahead (the schema's own function, which runs with its owner's rights); returns how many.
   */
  int ensurePartitions(String schema, int monthsAhead) {
    return dsl.select(DSL.function(DSL.name(schema, "ensure_message_partitions"), Integer.class,
        DSL.val(monthsAhead))).fetchSingle().value1();
  }

  /**
   * What one claim got: the leased messages and, when there were none, the next instant a message in the outbox
   * becomes due (a rate limit lets it go, its retry or send-at time comes, or a lease runs out), so that a
   * dispatcher can come back exactly then; null when nothing is to become due or something was leased.
   */
  public record Claim(List<Lease> leases, @Nullable Instant nextDue, List<RateWait> waits) {
    public Claim(List<Lease> leases, @Nullable Instant nextDue) {
      this(leases, nextDue, List.of());
    }
  }

  /** A message deferred by a rate limit (not by a circuit), for metrics: which limit, and for how long. */
  public record RateWait(SmsMetrics.WaitScope scope, long nanos) {}

  /**
   * Which limit holds a message back: its number's rate when the number's bucket alone does, otherwise its
   * account's (the account's rate, or the burst after a slow-down).
   */
  static SmsMetrics.WaitScope waitScope(@Nullable Instant numberBucket, double numberRate, Duration burst,
      Instant now) {
    return readyAt(numberBucket, numberRate, null, 0, burst, now).isAfter(now) ? SmsMetrics.WaitScope.NUMBER
        : SmsMetrics.WaitScope.ACCOUNT;
  }

  /**
   * Claims up to {@code batch} due messages, highest priority first, leasing them to {@code owner} until
   * {@code now + lease}.
   */
  public List<Lease> claim(String owner, int batch, Duration lease, Instant now, int lowestPriority,
      RatePolicy rates) {
    return claimBatch(owner, batch, lease, now, lowestPriority, rates).leases();
  }

  /**
   * As {@link #claim}, also telling when the next message becomes due if none could be leased. The claim only
   * plans: it leases the messages that the rate buckets and circuits would let go now and defers the others to
   * when they could, but it takes no rate slot and counts no attempt. Slots are taken, and circuits probed, when
   * each request is about to be made, so that time spent between claim and call (slow answers, a pause) never
   * lets a provider see more than the burst and the rate.
   */
  public Claim claimBatch(String owner, int batch, Duration lease, Instant now, int lowestPriority,
      RatePolicy rates) {
    List<Candidate> candidates = new ArrayList<>();
    for (int priority = 0; priority <= lowestPriority && candidates.size() < batch; priority++) {
      candidates.addAll(candidates(priority, batch - candidates.size(), now));
    }
    if (candidates.isEmpty()) {
      return new Claim(List.of(), nextDue(lowestPriority, now));
    }
    Map<Circuit, Instant> circuits = trippedCircuits(candidates);
    Map<Bucket, Instant> buckets = readBuckets(candidates, circuits, now);
    Instant leaseUntil = now.plus(lease);
    Set<Circuit> probing = new HashSet<>();
    List<Lease> leased = new ArrayList<>();
    Map<Candidate, Instant> deferred = new HashMap<>();
    List<RateWait> waits = new ArrayList<>();
    for (Candidate c : candidates) {
      Route route = route(c, circuits, now);
      Circuit circuit = new Circuit(c.tenant(), route.accountId());
      Instant tripped = circuits.get(circuit);
      Instant ready = now;
      if (tripped != null && tripped.isAfter(now)) {
        ready = tripped; // open, and no fallback to go to: wait, spending nothing
      } else if (tripped != null && !probing.add(circuit)) {
        ready = now.plus(Dispatcher.PROBE_WAIT); // half-open: one message tests the provider, the others wait for it
      }
      Bucket numberKey = Bucket.number(c.tenant(), route.numberId());
      Bucket accountKey = Bucket.account(c.tenant(), route.accountId());
      double numberRate = rates.numberRate(route.numberId(), route.number());
      double accountRate = rates.accountRate(route.accountId(), route.provider());
      Instant rateReady = readyAt(buckets.get(numberKey), numberRate, buckets.get(accountKey), accountRate,
          rates.accountBurst(), now);
      if (rateReady.isAfter(now) && !ready.isAfter(rateReady)) {
        waits.add(new RateWait(waitScope(buckets.get(numberKey), numberRate, rates.accountBurst(), now),
            Duration.between(now, rateReady).toNanos()));
      }
      ready = later(ready, rateReady);
      if (ready.isAfter(now)) {
        deferred.put(c, ready);
        continue;
      }
      // Plan with the slots this claim would use, so it leases no more than can go now; nothing is stored.
      buckets.put(numberKey, advance(buckets.get(numberKey), c.segments(), numberRate, now));
      buckets.put(accountKey, advance(buckets.get(accountKey), c.segments(), accountRate, now));
      leased.add(new Lease(c.tenant(), c.messageId(), c.attempts() + 1, route.accountId(),
          route.failover() ? route.numberId() : c.numberId(), route.failover()));
    }
    writeClaim(owner, leaseUntil, leased, deferred);
    return new Claim(leased, leased.isEmpty() ? nextDue(lowestPriority, now) : null, waits);
  }

  /** The claim's writes, one statement each: the leased rows, and the deferred rows with their new due times. */
  private void writeClaim(String owner, Instant leaseUntil, List<Lease> leased, Map<Candidate, Instant> deferred) {
    var o = SMS_OUTBOX;
    if (!leased.isEmpty()) {
      dsl.update(o)
          .set(o.LEASE_OWNER, owner)
          .set(o.LEASE_UNTIL, leaseUntil)
          .set(o.DUE_AT, leaseUntil)
          .where(DSL.row(o.TENANT_ID, o.MESSAGE_ID).in(leased.stream()
              .map(l -> DSL.row(l.tenant(), l.messageId())).toList()))
          .execute();
    }
    if (!deferred.isEmpty()) {
      var rows = DSL.values(deferred.entrySet().stream()
              .map(e -> DSL.row(e.getKey().tenant(), e.getKey().messageId(), e.getValue()))
              .toArray(org.jooq.Row3[]::new))
          .as("v", "tenant_id", "message_id", "due_at");
      dsl.update(o)
          .set(o.DUE_AT, rows.field("due_at", Instant.class))
          .from(rows)
          .where(o.TENANT_ID.eq(rows.field("tenant_id", String.class)),
              o.MESSAGE_ID.eq(rows.field("message_id", UUID.class)))
          .execute();
    }
  }

  /**
   * When a request of a sender may go, by the buckets of its number (no burst) and its account (up to
   * {@code burst} ahead of its rate); a slow-down (a 429) moves the account's bucket beyond the burst, so it is
   * honoured whatever the rate, even an unlimited one.
   */
  public static Instant readyAt(@Nullable Instant numberBucket, double numberRate, @Nullable Instant accountBucket,
      double accountRate, Duration burst, Instant now) {
    Instant ready = now;
    if (numberRate > 0 && numberBucket != null) {
      ready = later(ready, numberBucket);
    }
    if (accountBucket != null) {
      Instant accountReady = accountBucket.minus(burst);
      if (accountRate > 0 || accountReady.isAfter(now)) {
        ready = later(ready, accountReady);
      }
    }
    return ready;
  }

  /** Advances a bucket by one request of {@code segments} at {@code rate} (virtual scheduling). */
  public static Instant advance(@Nullable Instant bucket, int segments, double rate, Instant now) {
    Instant from = bucket == null ? now : later(bucket, now);
    return rate > 0 ? from.plus(interval(Math.max(1, segments), rate)) : from;
  }

  /**
   * Locks the buckets of a batch of requests about to be made, creating missing ones, in one fixed order (so
   * that concurrent preparers never deadlock); returns each bucket's next free instant.
   */
  public Map<Bucket, Instant> lockBuckets(java.util.Collection<Bucket> wanted, Instant now) {
    TreeMap<Bucket, Instant> keys = new TreeMap<>();
    wanted.forEach(k -> keys.put(k, now));
    if (keys.isEmpty()) {
      return keys;
    }
    var b = SMS_RATE_BUCKETS;
    var insert = dsl.insertInto(b, b.TENANT_ID, b.KIND, b.TARGET_ID, b.AVAILABLE_AT);
    for (Bucket k : keys.keySet()) {
      insert = insert.values(k.tenant(), k.kind(), k.target(), now);
    }
    insert.onConflictDoNothing().execute();
    for (Record r : dsl.select(b.TENANT_ID, b.KIND, b.TARGET_ID, b.AVAILABLE_AT).from(b)
        .where(DSL.row(b.TENANT_ID, b.KIND, b.TARGET_ID).in(rows(keys.keySet())))
        .orderBy(b.TENANT_ID, b.KIND, b.TARGET_ID)
        .forUpdate()
        .fetch()) {
      keys.put(new Bucket(r.get(b.TENANT_ID), r.get(b.KIND), r.get(b.TARGET_ID)), r.get(b.AVAILABLE_AT));
    }
    return keys;
  }

  /** Stores buckets that {@link #lockBuckets} locked, with the slots taken. */
  public void saveBuckets(Map<Bucket, Instant> buckets) {
    var b = SMS_RATE_BUCKETS;
    for (var bucket : buckets.entrySet()) {
      dsl.update(b).set(b.AVAILABLE_AT, bucket.getValue())
          .where(b.TENANT_ID.eq(bucket.getKey().tenant()), b.KIND.eq(bucket.getKey().kind()),
              b.TARGET_ID.eq(bucket.getKey().target()))
          .execute();
    }
  }

  /**
   * Locks the circuits of a batch's accounts (after its buckets, in one fixed order); returns the open-until
   * instant of those that tripped (in the past: half-open, waiting for a probe).
   */
  public Map<Circuit, Instant> lockCircuits(java.util.Collection<Circuit> wanted) {
    Map<Circuit, Instant> tripped = new HashMap<>();
    if (wanted.isEmpty()) {
      return tripped;
    }
    var c = SMS_CIRCUIT_BREAKERS;
    List<Row2<String, UUID>> keys = new TreeSet<>(wanted).stream().map(k -> DSL.row(k.tenant(), k.accountId()))
        .toList();
    for (Record r : dsl.select(c.TENANT_ID, c.ACCOUNT_ID, c.OPEN_UNTIL).from(c)
        .where(DSL.row(c.TENANT_ID, c.ACCOUNT_ID).in(keys))
        .orderBy(c.TENANT_ID, c.ACCOUNT_ID)
        .forUpdate()
        .fetch()) {
      if (r.get(c.OPEN_UNTIL) != null) {
        tripped.put(new Circuit(r.get(c.TENANT_ID), r.get(c.ACCOUNT_ID)), r.get(c.OPEN_UNTIL));
      }
    }
    return tripped;
  }

  /**
   * Renews the leases of every row {@code owners} hold until {@code until} (the heartbeat); returns the message
   * ids each owner still holds (a message missing from the answer was lost to lease expiry, or is done).
   */
  public Map<String, Set<UUID>> extendLeases(java.util.Collection<String> owners, Instant until) {
    Map<String, Set<UUID>> held = new HashMap<>();
    if (owners.isEmpty()) {
      return held;
    }
    var o = SMS_OUTBOX;
    dsl.update(o).set(o.LEASE_UNTIL, until).set(o.DUE_AT, until)
        .where(o.LEASE_OWNER.in(owners))
        .returning(o.LEASE_OWNER, o.MESSAGE_ID)
        .fetch()
        .forEach(r -> held.computeIfAbsent(r.get(o.LEASE_OWNER), k -> new HashSet<>()).add(r.get(o.MESSAGE_ID)));
    return held;
  }

  /** Renews the leases of every row {@code owner} holds until {@code until}; returns their message ids. */
  public Set<UUID> renewLeases(String owner, Instant until) {
    var o = SMS_OUTBOX;
    return new HashSet<>(dsl.update(o).set(o.LEASE_UNTIL, until).set(o.DUE_AT, until)
        .where(o.LEASE_OWNER.eq(owner))
        .returning(o.MESSAGE_ID)
        .fetch(o.MESSAGE_ID));
  }

  /** A held message of some tenant. */
  public record HeldRef(String tenant, UUID messageId) {}

  /** Held messages to look up at their providers, least recently checked first, across tenants. */
  public List<HeldRef> heldToCheck(int limit, Instant checkedBefore) {
    var h = SMS_HELD_MESSAGES;
    return dsl.select(h.TENANT_ID, h.MESSAGE_ID).from(h)
        .where(h.CHECKED_AT.isNull().or(h.CHECKED_AT.lt(checkedBefore)))
        .orderBy(h.CHECKED_AT.asc().nullsFirst(), h.HELD_AT)
        .limit(limit)
        .fetch(r -> new HeldRef(r.value1(), r.value2()));
  }

  /** The earliest due time after {@code now} in the outbox: one index probe per priority. */
  private @Nullable Instant nextDue(int lowestPriority, Instant now) {
    var o = SMS_OUTBOX;
    List<org.jooq.Field<Instant>> perPriority = new ArrayList<>();
    for (int priority = 0; priority <= lowestPriority; priority++) {
      perPriority.add(DSL.field(DSL.select(DSL.min(o.DUE_AT)).from(o)
          .where(o.PRIORITY.eq((short) priority), o.DUE_AT.gt(now))));
    }
    return dsl.select(DSL.least(perPriority.get(0), perPriority.subList(1, perPriority.size())
        .toArray(new org.jooq.Field<?>[0]))).fetchOne(0, Instant.class);
  }

  private List<Candidate> candidates(int priority, int limit, Instant now) {
    var o = SMS_OUTBOX;
    var m = SMS_MESSAGES;
    var n = SMS_SENDER_PHONE_NUMBERS;
    var a = SMS_SENDER_ACCOUNTS;
    var s = SMS_SERVICE_ACCOUNTS;
    return dsl.select(o.TENANT_ID, o.MESSAGE_ID, o.ATTEMPTS, m.SEGMENT_COUNT, n.ID, n.PHONE_NUMBER, a.ID, a.PROVIDER,
            s.FALLBACK_SENDER_ACCOUNT_ID)
        .from(o)
        .join(m).on(m.TENANT_ID.eq(o.TENANT_ID), m.ID.eq(o.MESSAGE_ID))
        .join(n).on(n.TENANT_ID.eq(m.TENANT_ID), n.ID.eq(m.SENDER_PHONE_NUMBER_ID))
        .join(a).on(a.TENANT_ID.eq(n.TENANT_ID), a.ID.eq(n.ACCOUNT_ID))
        .leftJoin(s).on(s.TENANT_ID.eq(m.TENANT_ID), s.ID.eq(m.SERVICE_ACCOUNT_ID))
        .where(o.PRIORITY.eq((short) priority), o.DUE_AT.le(now))
        .orderBy(o.DUE_AT)
        .limit(limit)
        .forUpdate().of(o).skipLocked()
        .fetch(r -> new Candidate(r.value1(), r.value2(), r.value3(), r.value4() == null ? 1 : r.value4(), r.value5(),
            PhoneNumber.of(r.value6()), r.value7(), r.value8(), r.value9()));
  }

  /** The circuits of the candidates' accounts (and fallbacks) that tripped, by open-until instant. */
  private Map<Circuit, Instant> trippedCircuits(List<Candidate> candidates) {
    Set<Circuit> wanted = new HashSet<>();
    for (Candidate k : candidates) {
      wanted.add(new Circuit(k.tenant(), k.accountId()));
      if (k.fallbackAccountId() != null) {
        wanted.add(new Circuit(k.tenant(), k.fallbackAccountId()));
      }
    }
    Map<Circuit, Instant> tripped = new HashMap<>();
    var c = SMS_CIRCUIT_BREAKERS;
    dsl.select(c.TENANT_ID, c.ACCOUNT_ID, c.OPEN_UNTIL).from(c)
        .where(DSL.row(c.TENANT_ID, c.ACCOUNT_ID).in(wanted.stream().map(k -> DSL.row(k.tenant(), k.accountId()))
            .toList()), c.OPEN_UNTIL.isNotNull())
        .forEach(r -> tripped.put(new Circuit(r.value1(), r.value2()), r.value3()));
    return tripped;
  }

  /** Where a candidate goes: its own account, or its service's fallback while its account's circuit is open. */
  private Route route(Candidate k, Map<Circuit, Instant> tripped, Instant now) {
    Route own = new Route(k.accountId(), k.provider(), k.numberId(), k.number(), false);
    Instant openUntil = tripped.get(new Circuit(k.tenant(), k.accountId()));
    if (openUntil == null || !openUntil.isAfter(now) || k.fallbackAccountId() == null) {
      return own;
    }
    Instant fallbackOpen = tripped.get(new Circuit(k.tenant(), k.fallbackAccountId()));
    if (fallbackOpen != null && fallbackOpen.isAfter(now)) {
      return own;
    }
    var n = SMS_SENDER_PHONE_NUMBERS;
    var a = SMS_SENDER_ACCOUNTS;
    return dsl.select(n.ID, n.PHONE_NUMBER, a.PROVIDER).from(n)
        .join(a).on(a.TENANT_ID.eq(n.TENANT_ID), a.ID.eq(n.ACCOUNT_ID))
        .where(n.TENANT_ID.eq(k.tenant()), n.ACCOUNT_ID.eq(k.fallbackAccountId()), n.IS_ACTIVE.eq(1),
            a.IS_ACTIVE.eq(1))
        .orderBy(n.IS_PRIMARY.desc(), n.CREATED_AT)
        .limit(1)
        .fetchOptional(r -> new Route(k.fallbackAccountId(), r.value3(), r.value1(), PhoneNumber.of(r.value2()),
            true))
        .orElse(own);
  }

  /** The current buckets of the candidates' numbers and accounts (and fallbacks), read without locking. */
  private Map<Bucket, Instant> readBuckets(List<Candidate> candidates, Map<Circuit, Instant> tripped, Instant now) {
    Set<Bucket> keys = new HashSet<>();
    for (Candidate c : candidates) {
      keys.add(Bucket.number(c.tenant(), c.numberId()));
      keys.add(Bucket.account(c.tenant(), c.accountId()));
      if (c.fallbackAccountId() != null) {
        keys.add(Bucket.account(c.tenant(), c.fallbackAccountId()));
      }
    }
    Map<Bucket, Instant> buckets = new HashMap<>();
    var b = SMS_RATE_BUCKETS;
    for (Record r : dsl.select(b.TENANT_ID, b.KIND, b.TARGET_ID, b.AVAILABLE_AT).from(b)
        .where(DSL.row(b.TENANT_ID, b.KIND, b.TARGET_ID).in(rows(keys)))
        .fetch()) {
      buckets.put(new Bucket(r.get(b.TENANT_ID), r.get(b.KIND), r.get(b.TARGET_ID)), r.get(b.AVAILABLE_AT));
    }
    return buckets;
  }

  private static List<Row3<String, String, UUID>> rows(java.util.Collection<Bucket> keys) {
    return keys.stream().map(k -> DSL.row(k.tenant(), k.kind(), k.target())).toList();
  }

  private static Instant later(Instant a, @Nullable Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }

  /**
   * The time {@code segments} take at {@code perSecond}, rounded up to whole microseconds: timestamptz keeps
   * microseconds, and a bucket rounded down when stored would let a sender go slightly faster than its rate.
   */
  static Duration interval(int segments, double perSecond) {
    return Duration.ofNanos((long) Math.ceil(segments * 1_000_000d / perSecond) * 1_000);
  }

  /** Counts across all tenants (or one, when {@code tenant} is given). */
  public DispatchStats stats(@Nullable String tenant, Instant now) {
    var o = SMS_OUTBOX;
    var m = SMS_MESSAGES;
    var h = SMS_HELD_MESSAGES;
    var tenantO = tenant == null ? DSL.noCondition() : o.TENANT_ID.eq(tenant);
    var tenantM = tenant == null ? DSL.noCondition() : m.TENANT_ID.eq(tenant);
    var tenantH = tenant == null ? DSL.noCondition() : h.TENANT_ID.eq(tenant);
    var c = SMS_CIRCUIT_BREAKERS;
    var tenantC = tenant == null ? DSL.noCondition() : c.TENANT_ID.eq(tenant);
    // The service's clock, not the database's, stamps messages and due times: measure waits against them.
    // A scheduled message waits from its send-at time (its due time), any other from when it was queued.
    org.jooq.Field<Instant> waitingSince = DSL.when(m.STATUS.eq("scheduled"), o.DUE_AT).otherwise(m.CREATED_AT);
    Record row = dsl.select(
            DSL.count().filterWhere(o.LEASE_OWNER.isNull().and(o.ATTEMPTS.eq(0))),
            DSL.count().filterWhere(o.LEASE_OWNER.isNotNull()),
            DSL.count().filterWhere(o.LEASE_OWNER.isNull().and(o.ATTEMPTS.gt(0))),
            DSL.min(waitingSince).filterWhere(o.LEASE_OWNER.isNull().and(waitingSince.le(now))))
        .from(o)
        .join(m).on(m.TENANT_ID.eq(o.TENANT_ID), m.ID.eq(o.MESSAGE_ID))
        .where(tenantO).fetchSingle();
    long failed = dsl.fetchCount(m, tenantM.and(m.STATUS.in("failed", "undelivered"))
        .and(m.FAILED_AT.ge(now.minus(Duration.ofHours(1)))));
    long held = dsl.fetchCount(h, tenantH);
    long openCircuits = dsl.fetchCount(c, tenantC.and(c.OPEN_UNTIL.gt(now)));
    Instant oldest = row.get(3, Instant.class);
    return new DispatchStats(row.get(0, Long.class), row.get(1, Long.class), held, row.get(2, Long.class), failed,
        oldest == null ? null : Duration.between(oldest, now), openCircuits);
  }
}
