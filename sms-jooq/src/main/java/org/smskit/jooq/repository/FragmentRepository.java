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
 * the part that completes a set always sees the others, and exactly one caller collects it.
 */
public final class FragmentRepository implements FragmentStore {
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
    int have = dsl.fetchCount(f, where);
    if (have < total) {
      return Optional.empty();
    }
    List<String> payloads = dsl.select(f.PAYLOAD).from(f).where(where).orderBy(f.PART).fetch(f.PAYLOAD);
    dsl.deleteFrom(f).where(where).execute();
    return Optional.of(payloads);
  }
}
