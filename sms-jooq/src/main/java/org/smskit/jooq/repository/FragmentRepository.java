package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_INBOUND_FRAGMENTS;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.smskit.core.spi.FragmentStore;

/**
 * The database's {@link FragmentStore}: parts of inbound messages in {@code sms_inbound_fragments}, so they
 * survive a restart. A transaction-scoped advisory lock per message serialises the parts of one message, so that
 * the part that completes a set always sees the others, and exactly one caller collects it. A completed set is
 * kept for {@link #COMPLETED_RETENTION} (payloads emptied) so that a part delivered again late is recognised as
 * used rather than starting a set that never completes.
 */
public final class FragmentRepository implements FragmentStore {
  /** How long a completed set is remembered; a sender reusing the same reference after that starts afresh. */
  public static final java.time.Duration COMPLETED_RETENTION = java.time.Duration.ofMinutes(15);

  private final DSLContext dsl;
  private final String tenant;

  FragmentRepository(DSLContext dsl, String tenant) {
    this.dsl = dsl;
    this.tenant = tenant;
  }

  @Override
  public Optional<List<String>> add(String provider, String key, int part, int total, String payload,
      Instant expiresAt) {
    var f = SMS_INBOUND_FRAGMENTS;
    dsl.select(DSL.field("pg_advisory_xact_lock(hashtextextended({0}, 0))", Object.class,
        DSL.val("smskit-fragments:" + tenant + ":" + provider + ":" + key))).fetch();
    dsl.deleteFrom(f).where(f.TENANT_ID.eq(tenant), f.EXPIRES_AT.lt(DSL.currentInstant())).execute();
    dsl.insertInto(f)
        .set(f.TENANT_ID, tenant)
        .set(f.PROVIDER, provider)
        .set(f.REFERENCE, key)
        .set(f.PART, part)
        .set(f.TOTAL, total)
        .set(f.PAYLOAD, payload)
        .set(f.EXPIRES_AT, expiresAt)
        .onConflictDoNothing()
        .execute();
    var where = DSL.and(f.TENANT_ID.eq(tenant), f.PROVIDER.eq(provider), f.REFERENCE.eq(key), f.TOTAL.eq(total));
    if (dsl.fetchExists(f, where.and(f.COMPLETED_AT.isNotNull()))) {
      return Optional.empty(); // a late copy of a part of a set already delivered
    }
    int have = dsl.fetchCount(f, where);
    if (have < total) {
      return Optional.empty();
    }
    List<String> payloads = dsl.select(f.PAYLOAD).from(f).where(where).orderBy(f.PART).fetch(f.PAYLOAD);
    dsl.update(f)
        .set(f.COMPLETED_AT, DSL.currentInstant())
        .set(f.PAYLOAD, "")
        .set(f.EXPIRES_AT, DSL.currentInstant().plus(DSL.inline(COMPLETED_RETENTION.toSeconds() / 86400.0)))
        .where(where)
        .execute();
    return Optional.of(payloads);
  }
}
