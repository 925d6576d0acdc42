package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_CIRCUIT_BREAKERS;
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
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Row3;
import org.jooq.impl.DSL;
import org.smskit.core.Nullable;
import org.smskit.core.phone.PhoneNumber;

/**
 * Claims due messages for a dispatcher, across tenants, in one short transaction: due rows of the outbox are
 * locked with {@code FOR UPDATE SKIP LOCKED} (so concurrent dispatchers, in this JVM or another, never claim
 * the same row), checked against the rate buckets of their sender number and provider account (locked in a
 * fixed order, so claims never deadlock), and leased; rows whose sender must wait are deferred to the instant
 * it may send. A leased row's {@code due_at} is its lease end, so a dispatcher that dies leaves a row that
 * becomes due again when the lease expires.
 */
public final class DispatchQueue {
  static final String NUMBER = "number";
  static final String ACCOUNT = "account";

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

  private record BucketKey(String tenant, String kind, UUID target) implements Comparable<BucketKey> {
    @Override
    public int compareTo(BucketKey o) {
      return Comparator.comparing(BucketKey::tenant).thenComparing(BucketKey::kind)
          .thenComparing(BucketKey::target).compare(this, o);
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
   * What one claim got: the leased messages and, when there were none, the next instant a message in the outbox
   * becomes due (a rate limit lets it go, its retry or send-at time comes, or a lease runs out), so that a
   * dispatcher can come back exactly then; null when nothing is to become due or something was leased.
   */
  public record Claim(List<Lease> leases, @Nullable Instant nextDue) {}

  /**
   * Claims up to {@code batch} due messages, highest priority first, leasing them to {@code worker} until
   * {@code now + lease}.
   */
  public List<Lease> claim(String worker, int batch, Duration lease, Instant now, int lowestPriority,
      RatePolicy rates) {
    return claimBatch(worker, batch, lease, now, lowestPriority, rates).leases();
  }

  /** As {@link #claim}, also telling when the next message becomes due if none could be leased. */
  public Claim claimBatch(String worker, int batch, Duration lease, Instant now, int lowestPriority,
      RatePolicy rates) {
    List<Candidate> candidates = new ArrayList<>();
    for (int priority = 0; priority <= lowestPriority && candidates.size() < batch; priority++) {
      candidates.addAll(candidates(priority, batch - candidates.size(), now));
    }
    if (candidates.isEmpty()) {
      return new Claim(List.of(), nextDue(lowestPriority, now));
    }
    Map<String, Route> routes = routes(candidates, now);
    Map<BucketKey, Instant> buckets = lockBuckets(candidates, routes, now);
    Instant leaseUntil = now.plus(lease);
    List<Lease> leased = new ArrayList<>();
    for (Candidate c : candidates) {
      Route route = routes.get(key(c));
      BucketKey numberKey = new BucketKey(c.tenant(), NUMBER, route.numberId());
      BucketKey accountKey = new BucketKey(c.tenant(), ACCOUNT, route.accountId());
      double numberRate = rates.numberRate(route.numberId(), route.number());
      double accountRate = rates.accountRate(route.accountId(), route.provider());
      // An account may run up to accountBurst ahead of its steady rate; a slow-down (429) moves its bucket that
      // much further, so it is honoured in full.
      Instant accountReady = buckets.get(accountKey).minus(rates.accountBurst());
      Instant ready = later(numberRate > 0 ? buckets.get(numberKey) : now,
          accountRate > 0 || accountReady.isAfter(now) ? accountReady : now);
      if (ready.isAfter(now)) {
        dsl.update(SMS_OUTBOX).set(SMS_OUTBOX.DUE_AT, ready)
            .where(SMS_OUTBOX.TENANT_ID.eq(c.tenant()), SMS_OUTBOX.MESSAGE_ID.eq(c.messageId())).execute();
        continue;
      }
      int segments = Math.max(1, c.segments());
      if (numberRate > 0) {
        buckets.put(numberKey, later(buckets.get(numberKey), now).plus(interval(segments, numberRate)));
      }
      if (accountRate > 0) {
        buckets.put(accountKey, later(buckets.get(accountKey), now).plus(interval(segments, accountRate)));
      }
      dsl.update(SMS_OUTBOX)
          .set(SMS_OUTBOX.LEASE_OWNER, worker)
          .set(SMS_OUTBOX.LEASE_UNTIL, leaseUntil)
          .set(SMS_OUTBOX.DUE_AT, leaseUntil)
          .set(SMS_OUTBOX.ATTEMPTS, SMS_OUTBOX.ATTEMPTS.plus(1))
          .where(SMS_OUTBOX.TENANT_ID.eq(c.tenant()), SMS_OUTBOX.MESSAGE_ID.eq(c.messageId()))
          .execute();
      leased.add(new Lease(c.tenant(), c.messageId(), c.attempts() + 1, route.accountId(),
          route.failover() ? route.numberId() : c.numberId(), route.failover()));
    }
    for (var bucket : buckets.entrySet()) {
      dsl.update(SMS_RATE_BUCKETS).set(SMS_RATE_BUCKETS.AVAILABLE_AT, bucket.getValue())
          .where(SMS_RATE_BUCKETS.TENANT_ID.eq(bucket.getKey().tenant()),
              SMS_RATE_BUCKETS.KIND.eq(bucket.getKey().kind()),
              SMS_RATE_BUCKETS.TARGET_ID.eq(bucket.getKey().target()))
          .execute();
    }
    return new Claim(leased, leased.isEmpty() ? nextDue(lowestPriority, now) : null);
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

  /** Where each candidate goes: its own account, or its service's fallback while its account's circuit is open. */
  private Map<String, Route> routes(List<Candidate> candidates, Instant now) {
    Set<List<Object>> open = new HashSet<>();
    var c = SMS_CIRCUIT_BREAKERS;
    dsl.select(c.TENANT_ID, c.ACCOUNT_ID).from(c).where(c.OPEN_UNTIL.gt(now))
        .forEach(r -> open.add(List.of(r.value1(), r.value2())));
    Map<String, Route> routes = new HashMap<>();
    for (Candidate k : candidates) {
      Route own = new Route(k.accountId(), k.provider(), k.numberId(), k.number(), false);
      Route route = own;
      if (open.contains(List.of(k.tenant(), k.accountId())) && k.fallbackAccountId() != null
          && !open.contains(List.of(k.tenant(), k.fallbackAccountId()))) {
        route = fallback(k).orElse(own);
      }
      routes.put(key(k), route);
    }
    return routes;
  }

  private java.util.Optional<Route> fallback(Candidate k) {
    var n = SMS_SENDER_PHONE_NUMBERS;
    var a = SMS_SENDER_ACCOUNTS;
    return dsl.select(n.ID, n.PHONE_NUMBER, a.PROVIDER).from(n)
        .join(a).on(a.TENANT_ID.eq(n.TENANT_ID), a.ID.eq(n.ACCOUNT_ID))
        .where(n.TENANT_ID.eq(k.tenant()), n.ACCOUNT_ID.eq(k.fallbackAccountId()), n.IS_ACTIVE.eq(1),
            a.IS_ACTIVE.eq(1))
        .orderBy(n.IS_PRIMARY.desc(), n.CREATED_AT)
        .limit(1)
        .fetchOptional(r -> new Route(k.fallbackAccountId(), r.value3(), r.value1(), PhoneNumber.of(r.value2()),
            true));
  }

  /** Creates missing buckets, then locks every bucket the batch needs in one fixed order. */
  private Map<BucketKey, Instant> lockBuckets(List<Candidate> candidates, Map<String, Route> routes, Instant now) {
    TreeMap<BucketKey, Instant> keys = new TreeMap<>();
    for (Candidate c : candidates) {
      Route route = routes.get(key(c));
      keys.put(new BucketKey(c.tenant(), NUMBER, route.numberId()), now);
      keys.put(new BucketKey(c.tenant(), ACCOUNT, route.accountId()), now);
    }
    var b = SMS_RATE_BUCKETS;
    var insert = dsl.insertInto(b, b.TENANT_ID, b.KIND, b.TARGET_ID, b.AVAILABLE_AT);
    for (BucketKey k : keys.keySet()) {
      insert = insert.values(k.tenant(), k.kind(), k.target(), now);
    }
    insert.onConflictDoNothing().execute();
    List<Row3<String, String, UUID>> rows = keys.keySet().stream()
        .map(k -> DSL.row(k.tenant(), k.kind(), k.target())).toList();
    for (Record r : dsl.select(b.TENANT_ID, b.KIND, b.TARGET_ID, b.AVAILABLE_AT).from(b)
        .where(DSL.row(b.TENANT_ID, b.KIND, b.TARGET_ID).in(rows))
        .orderBy(b.TENANT_ID, b.KIND, b.TARGET_ID)
        .forUpdate()
        .fetch()) {
      keys.put(new BucketKey(r.get(b.TENANT_ID), r.get(b.KIND), r.get(b.TARGET_ID)), r.get(b.AVAILABLE_AT));
    }
    return keys;
  }

  private static String key(Candidate c) {
    return c.tenant() + "/" + c.messageId();
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * The time {@code segments} take at {@code perSecond}, rounded up to whole microseconds: timestamptz keeps
   * microseconds, and a bucket rounded down when stored would let a sender go slightly faster than its rate.
   */
  private static Duration interval(int segments, double perSecond) {
    return Duration.ofNanos((long) Math.ceil(segments * 1_000_000d / perSecond) * 1_000);
  }

  /**
   * Counts a host can watch.
   *
   * @param queued waiting to be sent for the first time (including scheduled messages)
   * @param sending leased to a dispatcher now, or held for reconciliation after an unknown outcome (sent to a
   *     provider without an answer); messages a provider accepted are not counted
   * @param retrying waiting for another attempt after a failure
   * @param failedLastHour failed or undelivered in the last hour
   * @param oldestQueuedAge how long the longest-waiting unleased message has been waiting since it could have
   *     gone (since it was queued, or since its send-at time); null when none is waiting
   */
  public record Stats(long queued, long sending, long retrying, long failedLastHour,
      @Nullable Duration oldestQueuedAge) {}

  /** Counts across all tenants (or one, when {@code tenant} is given). */
  public Stats stats(@Nullable String tenant, Instant now) {
    var o = SMS_OUTBOX;
    var m = SMS_MESSAGES;
    var tenantO = tenant == null ? DSL.noCondition() : o.TENANT_ID.eq(tenant);
    var tenantM = tenant == null ? DSL.noCondition() : m.TENANT_ID.eq(tenant);
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
    // Held: left the outbox while sending, without the provider's id (a provider that accepted a message gave one).
    long held = dsl.fetchCount(m, tenantM.and(m.STATUS.eq("sending")).and(m.PROVIDER_MESSAGE_SID.isNull())
        .and(DSL.notExists(DSL.selectOne().from(o).where(o.TENANT_ID.eq(m.TENANT_ID), o.MESSAGE_ID.eq(m.ID)))));
    Instant oldest = row.get(3, Instant.class);
    return new Stats(row.get(0, Long.class), row.get(1, Long.class) + held, row.get(2, Long.class), failed,
        oldest == null ? null : Duration.between(oldest, now));
  }
}
