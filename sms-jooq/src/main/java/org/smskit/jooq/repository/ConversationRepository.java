package org.smskit.jooq.repository;

import static org.smskit.jooq.generated.Tables.SMS_MESSAGES;
import static org.smskit.jooq.generated.Tables.SMS_META_CONVERSATION;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.smskit.core.Nullable;
import org.smskit.core.Page;
import org.smskit.core.PageRequest;
import org.smskit.core.model.Conversation;
import org.smskit.core.model.ConversationState;
import org.smskit.core.model.ConversationStatus;
import org.smskit.core.model.Priority;
import org.smskit.core.model.StoredEnum;
import org.smskit.jooq.generated.tables.records.SmsMetaConversationRecord;
import org.smskit.jooq.schema.ErpTables;
import org.smskit.jooq.inbox.Inbox;

/**
 * Conversation rollups ({@code sms_meta_conversation}) and the spec's conversation queries. Inbox listings
 * page by keyset on {@code (last_message_at, id)}, newest first.
 */
public final class ConversationRepository extends TableRepository<SmsMetaConversationRecord, Conversation> {

  /** An inbox row: the conversation and, when the host has a customers table, the customer's name. */
  public record InboxEntry(Conversation conversation, @Nullable String customerName) {}

  /** A conversation with the number of its messages counted from {@code sms_messages}, not from the rollup. */
  public record CountedConversation(Conversation conversation, long actualMessageCount) {}

  private static final String CUSTOMER_NAME = "customer_name";

  private final ErpTables erpTables;

  ConversationRepository(DSLContext dsl, String tenant, ErpTables erpTables) {
    super(dsl, tenant, "conversation", SMS_META_CONVERSATION, SMS_META_CONVERSATION.TENANT_ID,
        SMS_META_CONVERSATION.ID);
    this.erpTables = erpTables;
  }

  /** A conversation by its key (the {@code conversation_id} that messages carry). */
  public Optional<Conversation> findByConversationId(String conversationId) {
    return dsl.selectFrom(SMS_META_CONVERSATION)
        .where(owned(), SMS_META_CONVERSATION.CONVERSATION_ID.eq(conversationId))
        .fetchOptional(this::toDomain);
  }

  /**
   * Creates the conversation {@code conversationId} if it does not exist (started at {@code at}), then locks
   * its row until the transaction ends, so that concurrent writers of one conversation take turns and no
   * counter update is lost.
   */
  public Conversation ensureLocked(String conversationId, Instant at) {
    var mc = SMS_META_CONVERSATION;
    dsl.insertInto(mc)
        .set(mc.TENANT_ID, tenant)
        .set(mc.ID, org.smskit.core.model.Ids.newId())
        .set(mc.CONVERSATION_ID, conversationId)
        .set(mc.CONVERSATION_START, at)
        .set(mc.LAST_MESSAGE_AT, at)
        .onConflictDoNothing()
        .execute();
    return lock(conversationId).orElseThrow();
  }

  /**
   * Counts one more outbound message at {@code at} in each of {@code conversationIds} (each listed once),
   * creating those that do not exist: one upsert statement, which takes each row's lock (in key order, so that
   * concurrent writers never deadlock), so no count is ever lost.
   */
  public void recordOutboundAll(java.util.Collection<String> conversationIds, Instant at) {
    if (conversationIds.isEmpty()) {
      return;
    }
    var mc = SMS_META_CONVERSATION;
    var insert = dsl.insertInto(mc, mc.TENANT_ID, mc.ID, mc.CONVERSATION_ID, mc.CONVERSATION_START, mc.LAST_MESSAGE_AT,
        mc.MESSAGE_COUNT);
    for (String id : new java.util.TreeSet<>(conversationIds)) {
      insert = insert.values(tenant, org.smskit.core.model.Ids.newId(), id, at, at, 1);
    }
    insert.onConflict(mc.TENANT_ID, mc.CONVERSATION_ID)
        .doUpdate()
        .set(mc.MESSAGE_COUNT, mc.MESSAGE_COUNT.plus(1))
        .set(mc.LAST_MESSAGE_AT, DSL.greatest(mc.LAST_MESSAGE_AT, DSL.val(at)))
        .set(mc.CONVERSATION_START, DSL.least(DSL.coalesce(mc.CONVERSATION_START, DSL.val(at)), DSL.val(at)))
        .execute();
  }

  /** {@link #recordOutboundAll} for one conversation. */
  public void recordOutbound(String conversationId, Instant at) {
    recordOutboundAll(java.util.List.of(conversationId), at);
  }

  /** Reads and locks the conversation's row until the transaction ends. */
  public Optional<Conversation> lock(String conversationId) {
    return dsl.selectFrom(SMS_META_CONVERSATION)
        .where(owned(), SMS_META_CONVERSATION.CONVERSATION_ID.eq(conversationId))
        .forUpdate()
        .fetchOptional(this::toDomain);
  }

  /**
   * Counts one more message at {@code at}: message count, unread count for inbound messages, last activity and
   * start. An inbound message reopens a closed conversation. Returns the updated rollup.
   */
  public Conversation recordMessage(String conversationId, boolean inbound, Instant at) {
    var mc = SMS_META_CONVERSATION;
    var closed = mc.STATE.eq(ConversationState.CLOSED.dbValue());
    return dsl.update(mc)
        .set(mc.MESSAGE_COUNT, mc.MESSAGE_COUNT.plus(1))
        .set(mc.UNREAD_COUNT, inbound ? mc.UNREAD_COUNT.plus(1) : mc.UNREAD_COUNT)
        .set(mc.LAST_MESSAGE_AT, DSL.greatest(mc.LAST_MESSAGE_AT, DSL.val(at)))
        .set(mc.CONVERSATION_START, DSL.least(DSL.coalesce(mc.CONVERSATION_START, DSL.val(at)), DSL.val(at)))
        .set(mc.STATE, inbound ? DSL.when(closed, ConversationState.OPEN.dbValue()).otherwise(mc.STATE) : mc.STATE)
        .set(mc.CONVERSATION_END, inbound ? DSL.when(closed, DSL.inline((Instant) null, Instant.class))
            .otherwise(mc.CONVERSATION_END) : mc.CONVERSATION_END)
        .where(owned(), mc.CONVERSATION_ID.eq(conversationId))
        .returning()
        .fetchOptional(this::toDomain)
        .orElseThrow(() -> new org.smskit.core.NotFoundException("conversation", conversationId));
  }

  /** Takes {@code read} messages off the unread count (never below zero) and returns the updated rollup. */
  public Conversation markRead(String conversationId, int read) {
    var mc = SMS_META_CONVERSATION;
    return dsl.update(mc)
        .set(mc.UNREAD_COUNT, DSL.greatest(mc.UNREAD_COUNT.minus(read), DSL.inline(0)))
        .where(owned(), mc.CONVERSATION_ID.eq(conversationId))
        .returning()
        .fetchOptional(this::toDomain)
        .orElseThrow(() -> new org.smskit.core.NotFoundException("conversation", conversationId));
  }

  /**
   * The spec's "active conversations": status active and state open, newest activity first, with the CRM
   * customer's name when {@link ErpTables#customers()} names the host's table (null otherwise).
   */
  public Page<InboxEntry> activeInbox(PageRequest page) {
    List<InboxEntry> rows = inboxQuery(page).fetch(r -> new InboxEntry(toDomain(r.into(SMS_META_CONVERSATION)),
        r.get(CUSTOMER_NAME, String.class)));
    return Pages.of(rows, page, e -> e.conversation().lastMessageAt(), e -> e.conversation().id());
  }

  ResultQuery<Record> inboxQuery(PageRequest page) {
    var mc = SMS_META_CONVERSATION;
    Field<String> customerName = DSL.inline((String) null, String.class);
    Table<?> from = mc;
    if (erpTables.customersTable().isPresent()) {
      String[] parts = erpTables.customersTable().get().split("\\.");
      Table<?> customers = DSL.table(DSL.name(parts.length == 2 ? parts : new String[] {"public", parts[0]}))
          .as("c");
      customerName = DSL.field(DSL.name("c", "name"), String.class);
      from = mc.leftJoin(customers).on(mc.CUSTOMER_ID_CRM.eq(DSL.field(DSL.name("c", "id"), Integer.class)));
    }
    return dsl.select(mc.fields()).select(customerName.as(CUSTOMER_NAME))
        .from(from)
        .where(owned(), mc.STATUS.eq(ConversationStatus.ACTIVE.dbValue()), mc.STATE.eq(ConversationState.OPEN.dbValue()),
            Pages.after(page, mc.LAST_MESSAGE_AT, mc.ID, true))
        .orderBy(Pages.order(mc.LAST_MESSAGE_AT, mc.ID, true))
        .limit(page.limit() + 1);
  }

  /** The spec's "conversations assigned to staff": assigned to {@code staffId} with unread messages. */
  public Page<Conversation> assignedWithUnread(int staffId, PageRequest page) {
    var mc = SMS_META_CONVERSATION;
    List<Conversation> rows = dsl.selectFrom(mc)
        .where(owned(), mc.ASSIGNED_STAFF_ID.eq(staffId), mc.UNREAD_COUNT.gt(0),
            Pages.after(page, mc.LAST_MESSAGE_AT, mc.ID, true))
        .orderBy(Pages.order(mc.LAST_MESSAGE_AT, mc.ID, true))
        .limit(page.limit() + 1)
        .fetch(this::toDomain);
    return Pages.of(rows, page, Conversation::lastMessageAt, Conversation::id);
  }

  /**
   * Analysed conversations with a sentiment from {@code min} to {@code max}, in {@code state} (any when null), by
   * sentiment then id, after the keyset {@code (afterScore, afterId)} when given.
   */
  public List<Conversation> bySentiment(BigDecimal min, BigDecimal max, @Nullable String state,
      @Nullable BigDecimal afterScore, @Nullable UUID afterId, int limit) {
    var mc = SMS_META_CONVERSATION;
    return dsl.selectFrom(mc)
        .where(owned(), mc.SENTIMENT_SCORE.between(min, max),
            state == null ? DSL.noCondition() : mc.STATE.eq(state),
            afterScore == null ? DSL.noCondition() : DSL.row(mc.SENTIMENT_SCORE, mc.ID).gt(afterScore, afterId))
        .orderBy(mc.SENTIMENT_SCORE.asc(), mc.ID.asc())
        .limit(limit)
        .fetch(this::toDomain);
  }

  /** The spec's "conversation with message count": the rollup plus a real count of its messages. */
  public Optional<CountedConversation> withActualMessageCount(String conversationId) {
    var mc = SMS_META_CONVERSATION;
    Field<Integer> count = DSL.count(SMS_MESSAGES.ID).as("actual_message_count");
    return dsl.select(mc.fields()).select(count)
        .from(mc)
        .leftJoin(SMS_MESSAGES)
        .on(SMS_MESSAGES.TENANT_ID.eq(mc.TENANT_ID), SMS_MESSAGES.CONVERSATION_ID.eq(mc.CONVERSATION_ID))
        .where(owned(), mc.CONVERSATION_ID.eq(conversationId))
        .groupBy(mc.TENANT_ID, mc.ID)
        .fetchOptional(r -> new CountedConversation(toDomain(r.into(mc)), r.get(count)));
  }

  @Override
  Conversation toDomain(SmsMetaConversationRecord r) {
    return Conversation.builder()
        .id(r.getId())
        .conversationId(r.getConversationId())
        .customerIdCrm(r.getCustomerIdCrm())
        .assignedStaffId(r.getAssignedStaffId())
        .status(StoredEnum.fromDb(ConversationStatus.class, "status", r.getStatus()))
        .priority(StoredEnum.fromDb(Priority.class, "priority", r.getPriority()))
        .tags(list(r.getTags()))
        .state(StoredEnum.fromDb(ConversationState.class, "state", r.getState()))
        .conversationStart(r.getConversationStart())
        .conversationEnd(r.getConversationEnd())
        .lastMessageAt(r.getLastMessageAt())
        .messageCount(r.getMessageCount())
        .journeyStage(r.getJourneyStage())
        .emotion(r.getEmotion())
        .nextAction(r.getNextAction())
        .summaryText(r.getSummaryText())
        .replyQuality(r.getReplyQuality())
        .keyPoints(list(r.getKeyPoints()))
        .sentimentScore(r.getSentimentScore())
        .aiModel(r.getAiModel())
        .confidenceScore(r.getConfidenceScore())
        .summaryUpdatedAt(r.getSummaryUpdatedAt())
        .aiIntent(r.getAiIntent())
        .aiLanguage(r.getAiLanguage())
        .unreadCount(r.getUnreadCount())
        .createdAt(r.getCreatedAt())
        .updatedAt(r.getUpdatedAt())
        .build();
  }

  @Override
  void fill(SmsMetaConversationRecord r, Conversation c) {
    r.setId(c.id());
    r.setConversationId(c.conversationId());
    r.setCustomerIdCrm(c.customerIdCrm());
    r.setAssignedStaffId(c.assignedStaffId());
    r.setStatus(c.status().dbValue());
    r.setPriority(c.priority().dbValue());
    r.setTags(c.tags().toArray(String[]::new));
    r.setState(c.state().dbValue());
    r.setConversationStart(c.conversationStart());
    r.setConversationEnd(c.conversationEnd());
    r.setLastMessageAt(c.lastMessageAt());
    r.setMessageCount(c.messageCount());
    r.setJourneyStage(c.journeyStage());
    r.setEmotion(c.emotion());
    r.setNextAction(c.nextAction());
    r.setSummaryText(c.summaryText());
    r.setReplyQuality(c.replyQuality());
    r.setKeyPoints(c.keyPoints().toArray(String[]::new));
    r.setSentimentScore(c.sentimentScore());
    r.setAiModel(c.aiModel());
    r.setConfidenceScore(c.confidenceScore());
    r.setSummaryUpdatedAt(c.summaryUpdatedAt());
    r.setAiIntent(c.aiIntent());
    r.setAiLanguage(c.aiLanguage());
    r.setUnreadCount(c.unreadCount());
    r.setCreatedAt(c.createdAt());
    r.setUpdatedAt(c.updatedAt());
  }

  @Override
  UUID idOf(Conversation value) {
    return value.id();
  }

  @Override
  List<Field<Instant>> bookkeepingTimestamps() {
    return List.of(SMS_META_CONVERSATION.CREATED_AT, SMS_META_CONVERSATION.UPDATED_AT);
  }

  private static List<String> list(@Nullable String[] values) {
    return values == null ? List.of() : Arrays.asList(values);
  }
}
