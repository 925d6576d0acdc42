package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_MESSAGE_STATUS_EVENTS;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.Field;
import org.smskit.core.model.MessageStatusEvent;
import org.smskit.core.model.StoredEnum;
import org.smskit.core.status.MessageStatus;
import org.smskit.jooq.generated.tables.records.SmsMessageStatusEventsRecord;

/** The status history of messages ({@code sms_message_status_events}). */
public final class StatusEventRepository extends TableRepository<SmsMessageStatusEventsRecord, MessageStatusEvent> {

  StatusEventRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "status event", SMS_MESSAGE_STATUS_EVENTS, SMS_MESSAGE_STATUS_EVENTS.TENANT_ID,
        SMS_MESSAGE_STATUS_EVENTS.ID);
  }

  /** A message's history in the order the statuses happened (ties: the order they were recorded). */
  public List<MessageStatusEvent> listByMessage(UUID messageId) {
    var e = SMS_MESSAGE_STATUS_EVENTS;
    return dsl.selectFrom(e)
        .where(owned(), e.MESSAGE_ID.eq(messageId))
        .orderBy(e.OCCURRED_AT, e.RECORDED_AT, e.ID)
        .fetch(this::toDomain);
  }

  /**
   * Events that named no known message, waiting for reconciliation, oldest first: those verified by
   * {@code accountId}'s credentials (or recorded before reports remembered their account).
   */
  public List<MessageStatusEvent> listUnmatched(String provider, String providerMessageSid, UUID accountId) {
    var e = SMS_MESSAGE_STATUS_EVENTS;
    return dsl.selectFrom(e)
        .where(owned(), e.MESSAGE_ID.isNull(), e.PROVIDER.eq(provider), e.PROVIDER_MESSAGE_SID.eq(providerMessageSid),
            e.VERIFIED_ACCOUNT_ID.eq(accountId).or(e.VERIFIED_ACCOUNT_ID.isNull()))
        .orderBy(e.OCCURRED_AT, e.RECORDED_AT, e.ID)
        .fetch(this::toDomain);
  }

  /** Keeps a report that matched no message of the account whose credentials verified it. */
  public void insertUnmatched(MessageStatusEvent event, UUID verifiedAccountId) {
    insert(event);
    var e = SMS_MESSAGE_STATUS_EVENTS;
    dsl.update(e).set(e.VERIFIED_ACCOUNT_ID, verifiedAccountId).where(owned(), e.ID.eq(event.id())).execute();
  }

  /**
   * Takes turns, until the transaction ends, with every other transaction that records a provider's id for a
   * message or looks a report up by it: the provider's answer and a report racing it are written one after the
   * other, so the later one always sees the earlier.
   */
  public void lockProviderId(String provider, String providerMessageSid) {
    dsl.select(DSL.field("pg_advisory_xact_lock(hashtext({0}))", Object.class,
        DSL.val("smskit-provider-id:" + provider + ":" + providerMessageSid))).fetch();
  }

  /** {@link #lockProviderId} for many provider ids at once, in one order (so that two batches never deadlock). */
  public void lockProviderIds(String provider, java.util.Collection<String> providerMessageSids) {
    if (providerMessageSids.isEmpty()) {
      return;
    }
    String[] keys = new java.util.TreeSet<>(providerMessageSids).stream()
        .map(sid -> "smskit-provider-id:" + provider + ":" + sid).toArray(String[]::new);
    dsl.resultQuery("SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT unnest({0}::text[]) AS k ORDER BY 1) s",
        DSL.val(keys)).fetch();
  }

  /** {@link #listUnmatched} for many provider ids of one account, oldest first. */
  public List<MessageStatusEvent> listUnmatched(String provider, java.util.Collection<String> providerMessageSids,
      UUID accountId) {
    if (providerMessageSids.isEmpty()) {
      return List.of();
    }
    var e = SMS_MESSAGE_STATUS_EVENTS;
    return dsl.selectFrom(e)
        .where(owned(), e.MESSAGE_ID.isNull(), e.PROVIDER.eq(provider), e.PROVIDER_MESSAGE_SID.in(providerMessageSids),
            e.VERIFIED_ACCOUNT_ID.eq(accountId).or(e.VERIFIED_ACCOUNT_ID.isNull()))
        .orderBy(e.OCCURRED_AT, e.RECORDED_AT, e.ID)
        .fetch(this::toDomain);
  }

  /** The latest provider id the history holds for a message, for example from an answer after a lost lease. */
  public java.util.Optional<String> latestProviderId(UUID messageId) {
    var e = SMS_MESSAGE_STATUS_EVENTS;
    return dsl.select(e.PROVIDER_MESSAGE_SID).from(e)
        .where(owned(), e.MESSAGE_ID.eq(messageId), e.PROVIDER_MESSAGE_SID.isNotNull())
        .orderBy(e.RECORDED_AT.desc(), e.ID.desc())
        .limit(1)
        .fetchOptional(e.PROVIDER_MESSAGE_SID);
  }

  /** Points unmatched events of a provider message id at the message that now exists; returns how many. */
  public int attachUnmatched(String provider, String providerMessageSid, UUID messageId) {
    var e = SMS_MESSAGE_STATUS_EVENTS;
    return dsl.update(e)
        .set(e.MESSAGE_ID, messageId)
        .where(owned(), e.MESSAGE_ID.isNull(), e.PROVIDER.eq(provider), e.PROVIDER_MESSAGE_SID.eq(providerMessageSid))
        .execute();
  }

  @Override
  MessageStatusEvent toDomain(SmsMessageStatusEventsRecord r) {
    return new MessageStatusEvent(r.getId(), r.getMessageId(), r.getProvider(), r.getProviderMessageSid(),
        StoredEnum.fromDb(MessageStatus.class, "status", r.getStatus()), r.getProviderStatus(), r.getOccurredAt(),
        r.getProviderErrorCode(), r.getRawPayload(), r.getRecordedAt());
  }

  @Override
  void fill(SmsMessageStatusEventsRecord r, MessageStatusEvent e) {
    r.setId(e.id());
    r.setMessageId(e.messageId());
    r.setProvider(e.provider());
    r.setProviderMessageSid(e.providerMessageSid());
    r.setStatus(e.status().dbValue());
    r.setProviderStatus(e.providerStatus());
    r.setOccurredAt(e.occurredAt());
    r.setProviderErrorCode(e.providerErrorCode());
    r.setRawPayload(e.rawPayload());
    r.setRecordedAt(e.recordedAt());
  }

  @Override
  UUID idOf(MessageStatusEvent value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_MESSAGE_STATUS_EVENTS.RECORDED_AT);
  }
}
