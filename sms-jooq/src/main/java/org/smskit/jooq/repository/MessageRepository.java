package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_MESSAGES;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.model.Direction;
import org.smskit.core.model.Message;
import org.smskit.core.model.MessageType;
import org.smskit.core.model.StoredEnum;
import org.smskit.core.phone.Address;
import org.smskit.core.status.MessageStatus;
import org.smskit.core.text.Encoding;
import org.smskit.jooq.generated.tables.records.SmsMessagesRecord;

/**
 * The message log ({@code sms_messages}) and the spec's message queries. Listings page by keyset on
 * {@code (created_at, id)}.
 */
public final class MessageRepository extends TableRepository<SmsMessagesRecord, Message> {

  MessageRepository(DSLContext dsl, String tenant) {
    super(dsl, tenant, "message", SMS_MESSAGES, SMS_MESSAGES.TENANT_ID, SMS_MESSAGES.ID);
  }

  /** The spec's "messages for conversation": oldest first. */
  public Page<Message> conversationTimeline(String conversationId, PageRequest page) {
    return fetchPage(timelineQuery(conversationId, page), page);
  }

  /** The spec's "unread messages": inbound, not yet read, newest first. */
  public Page<Message> unreadInbound(PageRequest page) {
    return fetchPage(unreadQuery(page), page);
  }

  ResultQuery<SmsMessagesRecord> timelineQuery(String conversationId, PageRequest page) {
    return listQuery(SMS_MESSAGES.CONVERSATION_ID.eq(conversationId), page, false);
  }

  ResultQuery<SmsMessagesRecord> unreadQuery(PageRequest page) {
    return listQuery(SMS_MESSAGES.READ_AT.isNull().and(SMS_MESSAGES.DIRECTION.eq(Direction.INBOUND.dbValue())),
        page, true);
  }

  /** The spec's "messages by status": in {@code status}, created in the last 7 days, newest first. */
  public Page<Message> recentByStatus(MessageStatus status, PageRequest page) {
    Field<Instant> weekAgo = DSL.field("now() - interval '7 days'", SQLDataType.INSTANT);
    return list(SMS_MESSAGES.STATUS.eq(status.dbValue()).and(SMS_MESSAGES.CREATED_AT.ge(weekAgo)), page, true);
  }

  /** Messages in {@code status} created at or after {@code since}, newest first. */
  public Page<Message> byStatusSince(MessageStatus status, Instant since, PageRequest page) {
    return list(SMS_MESSAGES.STATUS.eq(status.dbValue()).and(SMS_MESSAGES.CREATED_AT.ge(since)), page, true);
  }

  /** The spec's "messages by service account": created at or after {@code since}, newest first. */
  public Page<Message> byServiceAccountSince(UUID serviceAccountId, Instant since, PageRequest page) {
    return list(SMS_MESSAGES.SERVICE_ACCOUNT_ID.eq(serviceAccountId).and(SMS_MESSAGES.CREATED_AT.ge(since)), page,
        true);
  }

  /** Reads and locks a message until the transaction ends (status updates of one message take turns). */
  public Optional<Message> lock(UUID id) {
    return dsl.selectFrom(SMS_MESSAGES).where(owned(), SMS_MESSAGES.ID.eq(id)).forUpdate().fetchOptional(this::toDomain);
  }

  /** Reads and locks many messages until the transaction ends, in id order (so that lockers never deadlock). */
  public java.util.Map<UUID, Message> lockAll(java.util.Collection<UUID> ids) {
    return lockAll(ids, new java.util.HashMap<>());
  }

  /**
   * {@link #lockAll(java.util.Collection)}, also putting into {@code providerOptions} the stored provider options
   * (JSON text) of the messages that have any: read with the rows, no query of their own.
   */
  public java.util.Map<UUID, Message> lockAll(java.util.Collection<UUID> ids,
      java.util.Map<UUID, String> providerOptions) {
    java.util.Map<UUID, Message> locked = new java.util.LinkedHashMap<>();
    if (!ids.isEmpty()) {
      dsl.selectFrom(SMS_MESSAGES).where(owned(), SMS_MESSAGES.ID.in(ids)).orderBy(SMS_MESSAGES.ID).forUpdate()
          .fetch().forEach(r -> {
            Message m = toDomain(r);
            locked.put(m.id(), m);
            if (r.getProviderOptions() != null) {
              providerOptions.put(m.id(), r.getProviderOptions().data());
            }
          });
    }
    return locked;
  }

  /**
   * Stores the provider options of a message just inserted ({@code json} as {@code ProviderOptionsJson} writes
   * it); {@code createdAt} is its partition key.
   */
  public void storeProviderOptions(UUID id, Instant createdAt, String json) {
    dsl.update(SMS_MESSAGES).set(SMS_MESSAGES.PROVIDER_OPTIONS, JSONB.valueOf(json))
        .where(owned(), SMS_MESSAGES.ID.eq(id), SMS_MESSAGES.CREATED_AT.eq(createdAt)).execute();
  }

  /** Marks many messages {@code sending} (an attempt to send each was just counted). */
  public void markSending(java.util.Collection<UUID> ids) {
    if (!ids.isEmpty()) {
      dsl.update(SMS_MESSAGES).set(SMS_MESSAGES.STATUS, MessageStatus.SENDING.dbValue())
          .where(owned(), SMS_MESSAGES.ID.in(ids)).execute();
    }
  }

  /** Reads and locks the message a provider knows by {@code providerMessageSid}. */
  public Optional<Message> lockByProviderSid(String provider, String providerMessageSid) {
    return dsl.selectFrom(SMS_MESSAGES)
        .where(owned(), SMS_MESSAGES.PROVIDER.eq(provider), SMS_MESSAGES.PROVIDER_MESSAGE_SID.eq(providerMessageSid))
        .orderBy(SMS_MESSAGES.CREATED_AT, SMS_MESSAGES.ID)
        .limit(1)
        .forUpdate()
        .fetchOptional(this::toDomain);
  }

  /** Marks every unread inbound message of a conversation read at {@code at}; returns how many. */
  public int markConversationRead(String conversationId, Instant at) {
    return dsl.update(SMS_MESSAGES)
        .set(SMS_MESSAGES.READ_AT, at)
        .set(SMS_MESSAGES.STATUS, MessageStatus.READ.dbValue())
        .where(owned(), SMS_MESSAGES.CONVERSATION_ID.eq(conversationId),
            SMS_MESSAGES.DIRECTION.eq(Direction.INBOUND.dbValue()), SMS_MESSAGES.READ_AT.isNull())
        .execute();
  }

  /** A message by the provider's id for it. */
  public Optional<Message> findByProviderSid(String provider, String providerMessageSid) {
    return dsl.selectFrom(SMS_MESSAGES)
        .where(owned(), SMS_MESSAGES.PROVIDER.eq(provider), SMS_MESSAGES.PROVIDER_MESSAGE_SID.eq(providerMessageSid))
        .orderBy(SMS_MESSAGES.CREATED_AT, SMS_MESSAGES.ID)
        .limit(1)
        .fetchOptional(this::toDomain);
  }

  private Page<Message> list(Condition where, PageRequest page, boolean newestFirst) {
    return fetchPage(listQuery(where, page, newestFirst), page);
  }

  private ResultQuery<SmsMessagesRecord> listQuery(Condition where, PageRequest page, boolean newestFirst) {
    return dsl.selectFrom(SMS_MESSAGES)
        .where(owned(), where, Pages.after(page, SMS_MESSAGES.CREATED_AT, SMS_MESSAGES.ID, newestFirst))
        .orderBy(Pages.order(SMS_MESSAGES.CREATED_AT, SMS_MESSAGES.ID, newestFirst))
        .limit(page.limit() + 1);
  }

  private Page<Message> fetchPage(ResultQuery<SmsMessagesRecord> query, PageRequest page) {
    return Pages.of(query.fetch(this::toDomain), page, Message::createdAt, Message::id);
  }

  /**
   * Up to {@code limit} outbound messages queued in {@code [from, to)} that the provider accepted (they have its
   * id, and one of {@code statuses}) but that have no price, oldest first.
   */
  public List<Message> withoutPrice(Instant from, Instant to, java.util.Collection<String> statuses, int limit) {
    return dsl.selectFrom(SMS_MESSAGES)
        .where(owned(), SMS_MESSAGES.DIRECTION.eq("outbound"), SMS_MESSAGES.CREATED_AT.ge(from),
            SMS_MESSAGES.CREATED_AT.lt(to), SMS_MESSAGES.PRICE.isNull(), SMS_MESSAGES.PROVIDER_MESSAGE_SID.isNotNull(),
            SMS_MESSAGES.STATUS.in(statuses))
        .orderBy(SMS_MESSAGES.CREATED_AT, SMS_MESSAGES.ID)
        .limit(limit)
        .fetch(this::toDomain);
  }

  /** Sets a message's price unless it has one already (a price is never overwritten); true when set. */
  public boolean priceIfNone(Message priced) {
    return dsl.update(SMS_MESSAGES)
        .set(SMS_MESSAGES.PRICE, priced.price())
        .set(SMS_MESSAGES.PRICE_UNIT, priced.priceUnit())
        .where(owned(), SMS_MESSAGES.ID.eq(priced.id()), SMS_MESSAGES.CREATED_AT.eq(priced.createdAt()),
            SMS_MESSAGES.PRICE.isNull())
        .execute() == 1;
  }

  @Override
  Message toDomain(SmsMessagesRecord r) {
    return Message.builder()
        .id(r.getId())
        .direction(StoredEnum.fromDb(Direction.class, "direction", r.getDirection()))
        .from(Address.parse("from_number", r.getFromNumber()))
        .to(Address.parse("to_number", r.getToNumber()))
        .body(r.getBody())
        .mediaCount(r.getMediaCount())
        .status(StoredEnum.fromDb(MessageStatus.class, "status", r.getStatus()))
        .provider(r.getProvider())
        .providerMessageSid(r.getProviderMessageSid())
        .providerErrorCode(r.getProviderErrorCode())
        .providerPayload(r.getProviderPayload())
        .receivedAt(r.getReceivedAt())
        .sentAt(r.getSentAt())
        .deliveredAt(r.getDeliveredAt())
        .failedAt(r.getFailedAt())
        .conversationId(r.getConversationId())
        .userId(r.getUserId())
        .metadataJson(json(r.getMetadata()))
        .messageType(StoredEnum.fromDb(MessageType.class, "message_type", r.getMessageType()))
        .senderPhoneNumberId(r.getSenderPhoneNumberId())
        .serviceAccountId(r.getServiceAccountId())
        .readAt(r.getReadAt())
        .segmentCount(r.getSegmentCount())
        .encoding(r.getEncoding() == null ? null : StoredEnum.fromDb(Encoding.class, "encoding", r.getEncoding()))
        .price(r.getPrice(), r.getPriceUnit())
        .createdAt(r.getCreatedAt())
        .updatedAt(r.getUpdatedAt())
        .build();
  }

  @Override
  void fill(SmsMessagesRecord r, Message m) {
    r.setId(m.id());
    r.setDirection(m.direction().dbValue());
    r.setFromNumber(m.from().value());
    r.setToNumber(m.to().value());
    r.setBody(m.body());
    r.setMediaCount(m.mediaCount());
    r.setStatus(m.status().dbValue());
    r.setProvider(m.provider());
    r.setProviderMessageSid(m.providerMessageSid());
    r.setProviderErrorCode(m.providerErrorCode());
    r.setProviderPayload(m.providerPayload());
    r.setReceivedAt(m.receivedAt());
    r.setSentAt(m.sentAt());
    r.setDeliveredAt(m.deliveredAt());
    r.setFailedAt(m.failedAt());
    r.setConversationId(m.conversationId());
    r.setUserId(m.userId());
    r.setMetadata(JSONB.valueOf(m.metadataJson()));
    r.setMessageType(m.messageType().dbValue());
    r.setSenderPhoneNumberId(m.senderPhoneNumberId());
    r.setServiceAccountId(m.serviceAccountId());
    r.setReadAt(m.readAt());
    r.setSegmentCount(m.segmentCount());
    r.setEncoding(m.encoding() == null ? null : m.encoding().dbValue());
    r.setPrice(m.price());
    r.setPriceUnit(m.priceUnit());
    r.setCreatedAt(m.createdAt());
    r.setUpdatedAt(m.updatedAt());
  }

  @Override
  UUID idOf(Message value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_MESSAGES.CREATED_AT, SMS_MESSAGES.UPDATED_AT);
  }

  /** The partition key: a row found with it is looked for in its month only. */
  @Override
  List<Field<?>> lookupKey() {
    return List.of(SMS_MESSAGES.CREATED_AT);
  }
}
