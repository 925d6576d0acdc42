package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_OPT_OUTS;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.model.OptOut;
import org.smskit.core.model.OptOutScope;
import org.smskit.core.model.OptOutSource;
import org.smskit.core.model.StoredEnum;
import org.smskit.core.phone.PhoneNumber;
import org.smskit.jooq.generated.tables.records.SmsOptOutsRecord;

/** Opt-outs ({@code sms_opt_outs}): one active row per recipient and scope; opted-in rows stay as history. */
public final class OptOutRepository extends TableRepository<SmsOptOutsRecord, OptOut> {

  OptOutRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "opt-out", SMS_OPT_OUTS, SMS_OPT_OUTS.TENANT_ID, SMS_OPT_OUTS.ID);
  }

  /** Records an opt-out unless the same one is already active; returns the active row either way. */
  public OptOut optOut(OptOut optOut) {
    SmsOptOutsRecord record = dsl.newRecord(SMS_OPT_OUTS);
    fill(record, optOut);
    record.setTenantId(tenant);
    record.changed(SMS_OPT_OUTS.SCOPE_KEY, false);
    Optional<OptOut> inserted = dsl.insertInto(SMS_OPT_OUTS).set(record)
        .onConflict(SMS_OPT_OUTS.TENANT_ID, SMS_OPT_OUTS.PHONE, SMS_OPT_OUTS.SCOPE_KEY)
        .where(SMS_OPT_OUTS.OPTED_IN_AT.isNull())
        .doNothing()
        .returning()
        .fetchOptional()
        .map(this::toDomain);
    return inserted.orElseGet(() -> active(optOut.phone()).stream()
        .filter(o -> o.scope() == optOut.scope() && java.util.Objects.equals(o.serviceAccountId(),
            optOut.serviceAccountId()) && java.util.Objects.equals(o.campaignId(), optOut.campaignId()))
        .findFirst().orElseThrow());
  }

  /** The recipient's active opt-outs, oldest first. */
  public List<OptOut> active(PhoneNumber phone) {
    return dsl.selectFrom(SMS_OPT_OUTS)
        .where(owned(), SMS_OPT_OUTS.PHONE.eq(phone.value()), SMS_OPT_OUTS.OPTED_IN_AT.isNull())
        .orderBy(SMS_OPT_OUTS.OPTED_OUT_AT, SMS_OPT_OUTS.ID)
        .fetch(this::toDomain);
  }

  /** The active opt-outs of many recipients. */
  public List<OptOut> active(java.util.Collection<PhoneNumber> phones) {
    return dsl.selectFrom(SMS_OPT_OUTS)
        .where(owned(), SMS_OPT_OUTS.PHONE.in(phones.stream().map(PhoneNumber::value).toList()),
            SMS_OPT_OUTS.OPTED_IN_AT.isNull())
        .fetch(this::toDomain);
  }

  /** Ends every active opt-out of the recipient; returns the rows ended. */
  public List<OptOut> optIn(PhoneNumber phone, OptOutSource source, Instant at) {
    return dsl.update(SMS_OPT_OUTS)
        .set(SMS_OPT_OUTS.OPTED_IN_AT, at)
        .set(SMS_OPT_OUTS.OPT_IN_SOURCE, source.dbValue())
        .where(owned(), SMS_OPT_OUTS.PHONE.eq(phone.value()), SMS_OPT_OUTS.OPTED_IN_AT.isNull())
        .returning()
        .fetch(this::toDomain);
  }

  /** Every opt-out, active and ended, oldest first, keyset-paged. */
  public Page<OptOut> list(PageRequest page) {
    List<OptOut> rows = dsl.selectFrom(SMS_OPT_OUTS)
        .where(owned(), Pages.after(page, SMS_OPT_OUTS.OPTED_OUT_AT, SMS_OPT_OUTS.ID, false))
        .orderBy(Pages.order(SMS_OPT_OUTS.OPTED_OUT_AT, SMS_OPT_OUTS.ID, false))
        .limit(page.limit() + 1)
        .fetch(this::toDomain);
    return Pages.of(rows, page, OptOut::optedOutAt, OptOut::id);
  }

  @Override
  OptOut toDomain(SmsOptOutsRecord r) {
    return new OptOut(r.getId(), PhoneNumber.of(r.getPhone()),
        StoredEnum.fromDb(OptOutScope.class, "scope", r.getScope()), r.getServiceAccountId(), r.getCampaignId(),
        StoredEnum.fromDb(OptOutSource.class, "source", r.getSource()), r.getKeyword(), r.getProvider(),
        r.getOptedOutAt(), r.getOptedInAt(),
        r.getOptInSource() == null ? null : StoredEnum.fromDb(OptOutSource.class, "opt_in_source", r.getOptInSource()));
  }

  @Override
  void fill(SmsOptOutsRecord r, OptOut o) {
    r.setId(o.id());
    r.setPhone(o.phone().value());
    r.setScope(o.scope().dbValue());
    r.setServiceAccountId(o.serviceAccountId());
    r.setCampaignId(o.campaignId());
    r.setSource(o.source().dbValue());
    r.setKeyword(o.keyword());
    r.setProvider(o.provider());
    r.setOptedOutAt(o.optedOutAt());
    r.setOptedInAt(o.optedInAt());
    r.setOptInSource(o.optInSource() == null ? null : o.optInSource().dbValue());
  }

  @Override
  UUID idOf(OptOut value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of();
  }
}
